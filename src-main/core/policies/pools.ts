import type { Config } from '../../config/schema.js';
import { addScheduled, computeDemand, type Demand } from '../demand.js';
import { fleetOf } from '../fleet.js';
import type { WorkingMemory } from '../memory.js';
import { isCloudHost } from '../power-driver.js';
import type { Snapshot } from '../snapshot.js';
import { addExpected } from '../forecast/learned-demand.js';
import { bootLeadOf } from './effective-policy.js';

/**
 * Each runner's demand; with pre-warm, counted its host's boot lead ahead, and the work its past
 * says is coming (forecast/learned-demand.ts). Unassigned tasks go to the
 * free runners of their automation's pool, least loaded host first: on, starting, off with the
 * shortest learned boot lead; a failed or unknown host last.
 */
export function planDemand(snapshot: Snapshot, config: Config, memory: WorkingMemory, now: number): Demand {
  const fleet = fleetOf(config);
  const hostRank = (hostId: string): number => {
    const hm = memory.hosts.get(hostId);
    const host = fleet.hostById.get(hostId)?.host;
    const state = host && !isCloudHost(host) ? 'on' : (snapshot.power.get(hostId)?.state ?? 'unknown');
    if (hm?.failed) return Number.MAX_SAFE_INTEGER;
    if (state === 'on') return 0;
    if (state === 'starting' || (hm?.startedAt !== undefined && hm.readyAt === undefined)) return 1;
    if (state === 'off' || state === 'stopping') return 2 + bootLeadOf(hm);
    return Number.MAX_SAFE_INTEGER - 1;
  };
  const input = {
    runners: fleet.runners,
    leadFor: (hostId: string) => (config.policy.prewarm ? bootLeadOf(memory.hosts.get(hostId)) : 0),
    now,
    ...(snapshot.queue.pools ? { pools: snapshot.queue.pools } : {}),
    rankOf: (runner: { host: string }) => hostRank(runner.host),
  };
  const demand = computeDemand(snapshot.queue.tasks, input);
  if (config.policy.prewarm) {
    addScheduled(demand, snapshot.queue.upcoming, input);
    if (snapshot.queue.complete)
      addExpected(demand, {
        config,
        memory,
        now,
        isUp: (hostId) => hostRank(hostId) <= 1,
        rankOf: input.rankOf,
        ...(snapshot.queue.pools ? { pools: snapshot.queue.pools } : {}),
      });
  }
  return demand;
}
