import type { ManagerEvent, Severity } from '../core/events.js';
import type { Notification } from './notification.js';

/**
 * Which events become notifications: transitions only, with flap suppression. Pure: memory in,
 * memory out, the time passed in. Rules:
 * - A subject (a host, a session, the orchestrator, the budget) is notified when its state differs from
 *   the state last notified for it. Repeats are not transitions.
 * - "Good news" states (`stopped`, `restored`) are notified only after a notified opposite: nobody
 *   wants "restored" for a loss they never heard of.
 * - Within `minIntervalMs` of the subject's last notification, a change is held back as pending.
 *   When the interval has passed (`flush`), the pending state is notified if it still differs from
 *   the last notified one; a flap that ended where it began is dropped.
 * - The budget has no "cleared" event: the same state is notified again after `repeatAfterMs`.
 */

export interface DeciderOptions {
  minIntervalMs: number;
  repeatAfterMs: number;
}

export const defaultDeciderOptions: DeciderOptions = {
  minIntervalMs: 5 * 60_000,
  repeatAfterMs: 60 * 60_000,
};

interface Rule {
  subject: (event: ManagerEvent) => string | undefined;
  state: string;
  severity: Severity;
  title: (event: ManagerEvent) => string;
  needsPrior?: boolean;
  repeats?: boolean;
}

const hostSubject = (event: ManagerEvent) => (event.hostId ? `host:${event.hostId}` : undefined);
/** A session is named by the event's `sessionKey`, else by host and runner. */
const sessionSubject = (event: ManagerEvent) => {
  const key = event.sessionKey;
  if (typeof key === 'string') return `session:${key}`;
  if (!event.hostId && !event.runnerId) return undefined;
  return `session:${event.hostId ?? '?'}/${event.runnerId ?? '?'}`;
};
const sessionName = (event: ManagerEvent) =>
  [event.hostId && `on ${event.hostId}`, event.runnerId && `(runner ${event.runnerId})`]
    .filter(Boolean)
    .join(' ');

const rules: Partial<Record<ManagerEvent['kind'], Rule>> = {
  'host.started': {
    subject: hostSubject,
    state: 'started',
    severity: 'info',
    title: (e) => `Host ${e.hostId} started`,
  },
  'host.stopped': {
    subject: hostSubject,
    state: 'stopped',
    severity: 'info',
    title: (e) => `Host ${e.hostId} stopped`,
    needsPrior: true,
  },
  'host.failed': {
    subject: hostSubject,
    state: 'failed',
    severity: 'error',
    title: (e) => `Host ${e.hostId} failed`,
  },
  // A host's power state cannot be read (credentials, permission, network): said when it begins and
  // when it clears, under its own subject so it never hides the host's started/stopped/failed news.
  'host.cloud-error': {
    subject: (e) => (e.hostId ? `cloud:${e.hostId}` : undefined),
    state: 'unreadable',
    severity: 'error',
    title: (e) => `Cannot read the power state of ${e.hostId}`,
  },
  'host.cloud-error-cleared': {
    subject: (e) => (e.hostId ? `cloud:${e.hostId}` : undefined),
    state: 'readable',
    severity: 'info',
    title: (e) => `Power state of ${e.hostId} readable again`,
    needsPrior: true,
  },
  'session.lost': {
    subject: sessionSubject,
    state: 'lost',
    severity: 'warning',
    title: (e) => `Session lost ${sessionName(e)}`.trim(),
  },
  'session.restored': {
    subject: sessionSubject,
    state: 'restored',
    severity: 'info',
    title: (e) => `Session restored ${sessionName(e)}`.trim(),
    needsPrior: true,
  },
  'orchestrator.unreachable': {
    subject: () => 'orchestrator',
    state: 'unreachable',
    severity: 'warning',
    title: () => 'Orchestrator unreachable',
  },
  'orchestrator.restored': {
    subject: () => 'orchestrator',
    state: 'restored',
    severity: 'info',
    title: () => 'Orchestrator reachable again',
    needsPrior: true,
  },
  'coordination.unreachable': {
    subject: () => 'coordination',
    state: 'unreachable',
    severity: 'warning',
    title: () => 'Shared database unreachable: this instance acts on no host',
  },
  'coordination.restored': {
    subject: () => 'coordination',
    state: 'restored',
    severity: 'info',
    title: () => 'Shared database reachable again',
    needsPrior: true,
  },
  // The cloud has no capacity for a host's start: said at the first refusal, then at most once an
  // hour per host while it lasts (other failed actions are retried quietly and show on the host).
  'action.failed': {
    subject: (e) => (e.data?.error === 'capacity' && e.hostId ? `capacity:${e.hostId}` : undefined),
    state: 'no-capacity',
    severity: 'warning',
    title: (e) => `No cloud capacity to start ${e.hostId}`,
    repeats: true,
  },
  'budget.reached': {
    subject: () => 'budget',
    state: 'reached',
    severity: 'warning',
    title: () => 'Budget cap reached: no more hosts can be started',
    repeats: true,
  },
  // Said once a month each by plan; `repeats` lets next month's warning through after this month's.
  'budget.month-warning': {
    subject: () => 'monthly-budget',
    state: 'warning',
    severity: 'warning',
    title: () => '80 % of the monthly budget spent',
    repeats: true,
  },
  'budget.month-spent': {
    subject: () => 'monthly-budget',
    state: 'spent',
    severity: 'error',
    title: () => 'Monthly budget spent',
    repeats: true,
  },
};

interface Pending {
  state: string;
  notification: Notification;
}

export interface SubjectMemory {
  notified?: { state: string; at: number };
  pending?: Pending;
  /** Changes seen since the last notification (reported as `suppressed`). */
  heldBack: number;
}

export type DeciderMemory = Readonly<Record<string, SubjectMemory>>;

interface Decision {
  notify: Notification[];
  memory: DeciderMemory;
}

export function decide(
  memory: DeciderMemory,
  event: ManagerEvent,
  now: number,
  options: DeciderOptions = defaultDeciderOptions,
): Decision {
  const rule = rules[event.kind];
  const subject = rule?.subject(event);
  if (!rule || !subject) return { notify: [], memory };
  const current: SubjectMemory = memory[subject] ?? { heldBack: 0 };
  const last = current.notified;
  const update = (next: SubjectMemory): DeciderMemory => ({ ...memory, [subject]: next });

  if (last?.state === rule.state) {
    const repeatDue = rule.repeats && now - last.at >= options.repeatAfterMs;
    // Back where the last notification left it: any held-back flap is dropped.
    if (!repeatDue)
      return {
        notify: [],
        memory: update({
          notified: last,
          heldBack: current.pending ? current.heldBack + 1 : current.heldBack,
        }),
      };
  }
  if (rule.needsPrior && !last) return { notify: [], memory };

  const notification: Notification = {
    kind: event.kind,
    subject,
    severity: rule.severity,
    title: rule.title(event),
    message: event.message,
    at: event.at,
    ...(event.hostId ? { hostId: event.hostId } : {}),
    ...(event.runnerId ? { runnerId: event.runnerId } : {}),
    suppressed: current.heldBack,
  };
  if (last && now - last.at < options.minIntervalMs) {
    const heldBack = current.heldBack + 1;
    return {
      notify: [],
      memory: update({ notified: last, pending: { state: rule.state, notification }, heldBack }),
    };
  }
  return {
    notify: [notification],
    memory: update({ notified: { state: rule.state, at: now }, heldBack: 0 }),
  };
}

/** Sends what was held back once each subject's quiet interval has passed. */
export function flush(
  memory: DeciderMemory,
  now: number,
  options: DeciderOptions = defaultDeciderOptions,
): Decision {
  const notify: Notification[] = [];
  let next: Record<string, SubjectMemory> | undefined;
  for (const [subject, entry] of Object.entries(memory)) {
    if (!entry.pending || !entry.notified || now - entry.notified.at < options.minIntervalMs) continue;
    next ??= { ...memory };
    notify.push({ ...entry.pending.notification, suppressed: entry.heldBack - 1 });
    next[subject] = { notified: { state: entry.pending.state, at: now }, heldBack: 0 };
  }
  return { notify, memory: next ?? memory };
}

/** When `flush` has something to do next, if anything. */
export function nextFlushAt(memory: DeciderMemory, options: DeciderOptions = defaultDeciderOptions) {
  let earliest: number | undefined;
  for (const entry of Object.values(memory))
    if (entry.pending && entry.notified) {
      const due = entry.notified.at + options.minIntervalMs;
      earliest = earliest === undefined ? due : Math.min(earliest, due);
    }
  return earliest;
}
