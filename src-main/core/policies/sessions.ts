import type { Action } from '../actions.js';
import type { Demand } from '../demand.js';
import type { Fleet, SessionGroup } from '../fleet.js';
import { sessionMemoryOf, type SessionMemory, type WorkingMemory } from '../memory.js';
import { NEEDS_OPERATOR } from './outcomes.js';
import { isActiveSession, type SessionStatus } from '../session-driver.js';

import { formatDuration, plural, runnersWord } from '../words.js';
import type { HostSituation } from '../plan/situation.js';

/** What the runners of one session group need now, and why. */
interface Want {
  group: SessionGroup;
  running: number;
  queued: number;
  priority: number;
  /** Oldest counted queued task; Infinity when none. */
  oldest: number;
  /** `idle`: no work and past their grace, so the session may close. */
  because: 'running' | 'queued' | 'scheduled' | 'keep-warm' | 'grace' | 'idle';
  graceUntil: number;
  idleFor: number;
}

/** Sessions with an authentication failure (or a changed certificate) wait for the operator. */
export function blockFailedSessions(
  sessions: readonly SessionStatus[],
  fleet: Fleet,
  memory: WorkingMemory,
  versions: ReadonlyMap<string, string> | undefined,
  now: number,
): Action[] {
  const alerts: Action[] = [];
  for (const session of sessions) {
    if (session.state !== 'failed' || !session.error || !NEEDS_OPERATOR.has(session.error.kind)) continue;
    const group = fleet.groupByKey.get(session.key);
    if (!group) continue;
    const existing = memory.sessions.get(session.key);
    // Already waiting for the operator (a credentials change is noticed where sessions are opened).
    if (existing?.blocked) continue;
    // A failure reported before the block was lifted is about the old credentials.
    if (existing?.unblockedAt !== undefined && session.since <= existing.unblockedAt) continue;
    const sm = sessionMemoryOf(memory, session.key);
    sm.blocked = blockedBy(group, session.error.message, versions, now);
    sm.lastError = session.error.message;
    alerts.push({
      kind: 'alert',
      event: 'session.failed',
      severity: 'error',
      title: `Session ${session.key} needs attention`,
      reason: `Session ${session.key} failed: ${session.error.message} (${session.error.kind}). Not retried until its credentials change or you retry it.`,
      hostId: session.hostId,
      sessionKey: session.key,
    });
  }
  return alerts;
}

/**
 * The sessions of a host that is on or starting: close those nobody wants any more (never one with a
 * running task), then, once RDP answers, open the wanted ones, most urgent first, within its limit.
 * Runners the orchestrator says are Background get no session.
 */
export function decideSessions(
  situation: HostSituation,
  demand: Demand,
  memory: WorkingMemory,
  now: number,
  runnerTypes: Readonly<Record<string, 'desktop' | 'background'>> = {},
  versions?: ReadonlyMap<string, string>,
): Action[] {
  const { fleetHost, sessions } = situation;
  // Background runners need no interactive session: a group of only those wants none.
  const needingDesktop = fleetHost.groups.filter((group) =>
    group.runnerIds.some((id) => runnerTypes[id] !== 'background'),
  );
  const { host } = fleetHost;
  const ready = situation.answering && situation.state === 'on';
  if (sessions.length === 0 && !ready) return [];
  const wants = new Map(
    needingDesktop.map((group) => [
      group.key,
      wantOf(group, demand, memory, situation.sessionGraceMs, !!situation.window, now),
    ]),
  );
  const actions: Action[] = [];
  const active = sessions.filter(isActiveSession);
  for (const session of active) {
    const want = wants.get(session.key);
    if (situation.stopsHeld || (want ? want.because !== 'idle' : situation.demand.running > 0)) continue;
    actions.push({
      kind: 'closeSession',
      hostId: host.id,
      key: session.key,
      runnerIds: want ? want.group.runnerIds : [...fleetHost.runnerIds],
      reason: want
        ? `Closing ${session.key}: ${runnersWord(want.group.runnerIds)} idle for ${formatDuration(want.idleFor)}`
        : `Closing ${session.key}: no configured runner uses it`,
    });
  }
  if (!ready) return actions;

  let slots = host.maxSessions - (active.length - actions.length);
  for (const want of [...wants.values()].sort(mostUrgentFirst)) {
    const { key } = want.group;
    if (want.because === 'idle' || active.some((session) => session.key === key)) continue;
    const existing = memory.sessions.get(key);
    if (existing?.blocked) {
      if (!credentialsChanged(existing.blocked, want.group, versions)) continue;
      // Its credentials changed since it failed: try again.
      Object.assign(existing, { blocked: undefined, attempts: 0, retryAt: undefined, unblockedAt: now });
    }
    if (existing?.retryAt !== undefined && now < existing.retryAt) continue;
    if (slots <= 0) continue;
    slots--;
    actions.push(openSession(situation, want, now));
  }
  return actions;
}

function openSession(situation: HostSituation, want: Want, now: number): Action {
  const { host, address } = situation.fleetHost;
  const { group } = want;
  return {
    kind: 'openSession',
    hostId: host.id,
    runnerIds: group.runnerIds,
    reason: `Opening ${group.key}: ${describeWant(want, now)}`,
    spec: {
      key: group.key,
      hostId: host.id,
      host: situation.power.address ?? address.host,
      port: address.port,
      user: group.user,
      ...(group.domain !== undefined ? { domain: group.domain } : {}),
      passwordRef: group.passwordRef,
      width: group.width,
      height: group.height,
      ...(host.certificate !== undefined ? { certificate: host.certificate } : {}),
    },
  };
}

function wantOf(
  group: SessionGroup,
  demand: Demand,
  memory: WorkingMemory,
  graceMs: number,
  keepWarm: boolean,
  now: number,
): Want {
  const want: Want = {
    group,
    running: 0,
    queued: 0,
    priority: -1,
    oldest: Infinity,
    because: 'grace',
    graceUntil: -Infinity,
    idleFor: 0,
  };
  let scheduled = false;
  let idleSince = -Infinity;
  for (const id of group.runnerIds) {
    const rd = demand.byRunner.get(id)!;
    want.running += rd.running;
    want.queued += rd.queued;
    want.priority = Math.max(want.priority, rd.maxPriority);
    want.oldest = Math.min(want.oldest, rd.oldestQueuedAt ?? Infinity);
    if (rd.scheduledAt !== undefined || rd.expected !== undefined) scheduled = true;
    const clock = memory.runners.get(id);
    const since = clock?.lastBusyAt ?? clock?.idleSince;
    if (since === undefined) continue;
    want.graceUntil = Math.max(want.graceUntil, since + graceMs);
    idleSince = Math.max(idleSince, since);
  }
  if (want.running > 0) want.because = 'running';
  else if (want.queued > 0) want.because = 'queued';
  else if (scheduled) want.because = 'scheduled';
  else if (keepWarm) want.because = 'keep-warm';
  else if (now >= want.graceUntil) {
    want.because = 'idle';
    want.idleFor = Number.isFinite(idleSince) ? now - idleSince : 0;
  }
  return want;
}

/** Running work first, then priority, then the oldest task; by key for a stable order. */
function mostUrgentFirst(a: Want, b: Want): number {
  return (
    b.running - a.running ||
    b.priority - a.priority ||
    a.oldest - b.oldest ||
    (a.group.key < b.group.key ? -1 : 1)
  );
}

function describeWant(want: Want, now: number): string {
  const who = runnersWord(want.group.runnerIds);
  switch (want.because) {
    case 'running':
      return `${who} running ${plural(want.running, 'task')}`;
    case 'queued':
      return `${who}: ${plural(want.queued, 'queued task')}${want.oldest !== Infinity ? `, oldest ${formatDuration(now - want.oldest)}` : ''}`;
    case 'scheduled':
      return `${who}: a scheduled or expected run is due (pre-warm)`;
    case 'keep-warm':
      return `${who}: keep-warm window`;
    case 'grace':
    case 'idle':
      return `${who}: idle grace until ${formatDuration(want.graceUntil - now)} from now`;
  }
}

/** What a session is blocked on: the credentials and the password's version it failed with. */
export function blockedBy(
  group: SessionGroup,
  reason: string,
  versions: ReadonlyMap<string, string> | undefined,
  now: number,
): NonNullable<SessionMemory['blocked']> {
  const secretVersion = versions?.get(group.passwordRef);
  return {
    at: now,
    reason,
    credentials: group.credentials,
    ...(secretVersion !== undefined ? { secretVersion } : {}),
  };
}

/**
 * Whether the credentials changed since the session was blocked: user, domain, password reference or
 * pinned certificate, or the password itself (a new version of the same reference; an unknown version
 * changes nothing).
 */
function credentialsChanged(
  blocked: NonNullable<SessionMemory['blocked']>,
  group: SessionGroup,
  versions: ReadonlyMap<string, string> | undefined,
): boolean {
  if (blocked.credentials !== group.credentials) return true;
  const now = versions?.get(group.passwordRef);
  return now !== undefined && blocked.secretVersion !== undefined && now !== blocked.secretVersion;
}
