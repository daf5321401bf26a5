import type { Config } from '../../config/schema.js';
import type { Action } from '../actions.js';
import { fleetOf } from '../fleet.js';
import { sessionMemoryOf, type WorkingMemory } from '../memory.js';
import { blockedBy } from './sessions.js';
import type { SessionErrorKind } from '../session-driver.js';
import { AUTH_ERRORS, UNCONFIRMED_LOGON_RETRY_MS } from '../session-driver.js';
import type { ActionOutcome } from '../snapshot.js';
import { formatDuration, plural } from '../words.js';
import { backoffDelay } from './backoff.js';
import { learnLead } from './effective-policy.js';

/** Session errors that only the operator can fix: retrying with the same credentials would not help. */
export const NEEDS_OPERATOR: ReadonlySet<string> = new Set<SessionErrorKind>([
  ...AUTH_ERRORS,
  'certificate-changed',
]);

/** Power errors that retrying will not fix. */
const POWER_NEEDS_OPERATOR = new Set(['not-found', 'auth', 'permission']);

/**
 * Folds how the previous tick's actions ended into memory: failed starts and opens count towards
 * back-off and `failed`; a first open session after a start teaches the host's boot lead.
 */
export function foldOutcomes(
  outcomes: readonly ActionOutcome[],
  config: Config,
  mem: WorkingMemory,
  out: Action[],
  now: number,
  versions?: ReadonlyMap<string, string>,
): void {
  const context = fleetOf(config);
  const maxAttempts = config.policy.maxStartAttempts;
  for (const outcome of outcomes) {
    const action = outcome.action;
    if (action.kind === 'alert' || action.kind === 'note' || !context.hostById.has(action.hostId)) continue;
    if (action.kind === 'powerOn' && !outcome.ok && !outcome.canceled) {
      const hm = mem.hosts.get(action.hostId)!;
      hm.attempts++;
      hm.startedAt = undefined;
      hm.lastError = outcome.message;
      if (POWER_NEEDS_OPERATOR.has(outcome.errorKind ?? '') || hm.attempts >= maxAttempts) {
        const reason = `${action.hostId} could not be started (${outcome.message}; ${plural(hm.attempts, 'attempt')})`;
        hm.failed = { at: now, reason };
        hm.retryAt = undefined;
        out.push({ kind: 'markFailed', hostId: action.hostId, reason });
        out.push({
          kind: 'alert',
          event: 'host.failed',
          severity: 'error',
          title: `Host ${action.hostId} failed`,
          reason: `${reason}. Session Manager will not start it again until you retry it.`,
          hostId: action.hostId,
        });
      } else {
        hm.retryAt = outcome.at + backoffDelay(hm.attempts, outcome.retryAfterMs);
      }
    } else if (action.kind === 'powerOn' && !outcome.ok && outcome.canceled) {
      // Not started after all (another instance holds it now, or the fleet's cap was reached).
      mem.hosts.get(action.hostId)!.startedAt = undefined;
    } else if (action.kind === 'powerOff' && outcome.ok) {
      // Our stop went through: an "off" seen from now on is that stop, not a start still on its way.
      const hm = mem.hosts.get(action.hostId)!;
      hm.startedAt = undefined;
      hm.readyAt = undefined;
      hm.hibernated = outcome.hibernated === true ? true : undefined;
      hm.stoppingAt = outcome.at;
    } else if (action.kind === 'powerOff' && !outcome.ok && outcome.canceled) {
      // New demand appeared between plan and act: the drain starts over.
      const hm = mem.hosts.get(action.hostId)!;
      hm.drainCount = 0;
      hm.drainSince = undefined;
    } else if (action.kind === 'openSession') {
      const key = action.spec.key;
      const group = context.groupByKey.get(key);
      if (!group) continue;
      if (outcome.ok) {
        const sm = sessionMemoryOf(mem, key);
        sm.attempts = 0;
        sm.retryAt = undefined;
        sm.lastError = undefined;
        const hm = mem.hosts.get(action.hostId)!;
        if (hm.startedAt !== undefined && !hm.leadLearned && outcome.at >= hm.startedAt) {
          learnLead(hm, outcome.at - hm.startedAt);
          hm.leadLearned = true;
        }
        continue;
      }
      if (outcome.canceled) continue;
      const sm = sessionMemoryOf(mem, key);
      sm.lastError = outcome.message;
      if (NEEDS_OPERATOR.has(outcome.errorKind ?? '')) {
        sm.blocked = blockedBy(group, outcome.message, versions, now);
        out.push(
          sessionAlert(
            key,
            action.hostId,
            `${outcome.message} (${outcome.errorKind}). Not retried until its credentials change or you retry it.`,
          ),
        );
        continue;
      }
      sm.attempts++;
      if (sm.attempts >= maxAttempts) {
        sm.blocked = blockedBy(
          group,
          `${plural(sm.attempts, 'failed attempt')}: ${outcome.message}`,
          versions,
          now,
        );
        out.push(
          sessionAlert(
            key,
            action.hostId,
            `${plural(sm.attempts, 'failed attempt')}, last: ${outcome.message}. Not retried until you retry it.`,
          ),
        );
      } else {
        // A logon the host ended without saying why gets one more try, late (see UNCONFIRMED_LOGON_RETRY_MS).
        const delay = Math.max(
          backoffDelay(sm.attempts, outcome.retryAfterMs),
          outcome.errorKind === 'logon-unconfirmed' ? UNCONFIRMED_LOGON_RETRY_MS : 0,
        );
        sm.retryAt = outcome.at + delay;
        out.push({
          kind: 'note',
          event: 'session.failed',
          severity: 'warning',
          hostId: action.hostId,
          sessionKey: key,
          reason: `Opening ${key} failed (${outcome.message}); next try in ${formatDuration(delay)}`,
        });
      }
    }
  }
}

function sessionAlert(key: string, hostId: string, text: string): Action {
  return {
    kind: 'alert',
    event: 'session.failed',
    severity: 'error',
    title: `Session ${key} needs attention`,
    reason: `Session ${key} failed: ${text}`,
    hostId,
    sessionKey: key,
  };
}
