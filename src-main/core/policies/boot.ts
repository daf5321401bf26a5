import type { PolicyConfig } from '../../config/schema.js';
import type { Action, NoteAction } from '../actions.js';
import type { HostMemory } from '../memory.js';
import type { PowerState } from '../power-driver.js';
import { formatDuration, plural } from '../words.js';
import { backoffDelay } from './backoff.js';
import { learnLead } from './effective-policy.js';
import { failHost } from './failures.js';

/**
 * Following a boot: a start request still shows "off" until the boot timeout; a boot is ready when
 * RDP answers or a runner shows life; a boot that is not ready in time is retried (stop, back-off,
 * start) and the host given up on after `maxStartAttempts`.
 */

/** We asked for a start and the cloud still says off: give it until the boot timeout. */
export function isPendingStart(memory: HostMemory, bootTimeoutMs: number, now: number): boolean {
  return (
    memory.startedAt !== undefined &&
    memory.readyAt === undefined &&
    !memory.restartPending &&
    now - memory.startedAt < bootTimeoutMs
  );
}

interface BootView {
  hostId: string;
  state: PowerState;
  /** RDP answers, or a runner runs a task or is online. */
  alive: boolean;
  /** Its boot lead is learned here only for hosts without sessions (else from the first open session). */
  learnsLeadOnReady: boolean;
  bootTimeoutMs: number;
}

/** Moves the boot's memory on by what was seen; returns the actions (give up) and notes (ready) it causes. */
export function followBoot(
  memory: HostMemory,
  boot: BootView,
  policy: PolicyConfig,
  now: number,
): { actions: Action[]; notes: NoteAction[] } {
  const actions: Action[] = [];
  const notes: NoteAction[] = [];
  const { hostId, state } = boot;
  if (
    state === 'off' &&
    memory.startedAt !== undefined &&
    memory.readyAt === undefined &&
    !memory.restartPending
  ) {
    // The boot timeout passed and the cloud still says off.
    const waited = formatDuration(now - memory.startedAt);
    if (!retryLater(memory, `still off ${waited} after the start request`, policy, now)) {
      const reason = `${hostId} stayed off after ${plural(memory.attempts, 'start request')}`;
      actions.push(...failHost(memory, hostId, reason, now));
    }
  }
  if (state === 'off' || state === 'stopping' || state === 'gone') {
    memory.startedAt = undefined;
    memory.readyAt = undefined;
    memory.leadLearned = undefined;
  }
  if (memory.startedAt !== undefined && memory.readyAt === undefined && boot.alive) {
    memory.readyAt = now;
    memory.attempts = 0;
    memory.retryAt = undefined;
    memory.lastError = undefined;
    const took = now - memory.startedAt;
    notes.push({
      kind: 'note',
      event: 'host.ready',
      severity: 'info',
      hostId,
      reason: `${hostId} answers after ${formatDuration(took)}`,
    });
    if (boot.learnsLeadOnReady && !memory.leadLearned) {
      learnLead(memory, took);
      memory.leadLearned = true;
    }
  }
  const booting = memory.startedAt !== undefined && memory.readyAt === undefined;
  if (booting && now - memory.startedAt! >= boot.bootTimeoutMs && (state === 'on' || state === 'starting')) {
    const waited = formatDuration(now - memory.startedAt!);
    memory.startedAt = undefined;
    if (retryLater(memory, `did not answer RDP within ${waited}`, policy, now)) memory.restartPending = true;
    else {
      const reason = `${hostId} did not answer RDP within ${waited} (${plural(memory.attempts, 'attempt')})`;
      actions.push(...failHost(memory, hostId, reason, now));
    }
  }
  return { actions, notes };
}

/** Counts a failed start; true when another may follow after the back-off, false when it is the last. */
function retryLater(memory: HostMemory, error: string, policy: PolicyConfig, now: number): boolean {
  memory.attempts++;
  memory.lastError = error;
  if (memory.attempts >= policy.maxStartAttempts) return false;
  memory.retryAt = now + backoffDelay(memory.attempts);
  return true;
}
