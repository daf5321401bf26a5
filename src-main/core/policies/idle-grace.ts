import type { FleetHost } from '../fleet.js';
import type { HostDemand, TickView } from '../plan/situation.js';

/**
 * Idle grace, per runner: a runner's clock moves to "now" whenever a complete observation shows it
 * busy (queued, running, scheduled or expected work, or a keep-warm window), and to "first seen idle" when it
 * has none yet; its host may stop only once every runner's grace has passed.
 */

/**
 * Sums the host's runners' demand and moves their idle clocks (only complete observations move
 * them: a runner busy now, or first seen idle now).
 */
export function readRunners(
  fleetHost: FleetHost,
  tick: TickView,
  keepWarm: boolean,
  graceMs: number,
): { demand: HostDemand; idleDeadline: number } {
  const complete = tick.snapshot.queue.complete;
  const { now } = tick;
  const demand: HostDemand = { queued: 0, running: 0, maxPriority: -1, online: false };
  let idleDeadline = -Infinity;
  for (const id of fleetHost.runnerIds) {
    const rd = tick.demand.byRunner.get(id)!;
    demand.queued += rd.queued;
    demand.running += rd.running;
    demand.oldestQueuedAt = earliest(demand.oldestQueuedAt, rd.oldestQueuedAt);
    demand.maxPriority = Math.max(demand.maxPriority, rd.maxPriority);
    demand.scheduledAt = earliest(demand.scheduledAt, rd.scheduledAt);
    if (rd.expected && (!demand.expected || rd.expected.at < demand.expected.at))
      demand.expected = rd.expected;
    if (tick.online.has(id)) demand.online = true;

    const busy =
      rd.queued > 0 ||
      rd.running > 0 ||
      rd.scheduledAt !== undefined ||
      rd.expected !== undefined ||
      keepWarm;
    const clock = tick.memory.runners.get(id);
    if (complete && busy) tick.memory.runners.set(id, { lastBusyAt: now });
    else if (complete && !clock) tick.memory.runners.set(id, { idleSince: now });
    const since = complete && (busy || !clock) ? now : (clock?.lastBusyAt ?? clock?.idleSince);
    if (since !== undefined) idleDeadline = Math.max(idleDeadline, since + graceMs);
  }
  return { demand, idleDeadline };
}

function earliest(a: number | undefined, b: number | undefined): number | undefined {
  return a === undefined ? b : b === undefined ? a : Math.min(a, b);
}
