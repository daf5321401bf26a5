import { createHash } from 'node:crypto';

/** What each live instance carries, as its last heartbeat said. */
export interface InstanceLoad {
  id: string;
  /** Sessions it keeps open. */
  sessions: number;
  /** Hosts it holds that are not idle (on, with a session, or with work): they never move. */
  busyHosts: number;
}

/**
 * How many hosts each instance should hold, so that sessions even out across instances: every host
 * has a holder, a busy host stays with its holder (its sessions never move), and the idle hosts (where
 * new work, and so new sessions, will land) go one by one to the instance carrying the least, each
 * counted as one session to come. With no sessions anywhere it is an even split. Every instance
 * computes the same from the same heartbeats (ties go by name).
 */
export function targetShares(instances: readonly InstanceLoad[], hosts: number): Map<string, number> {
  const byName = [...instances].sort((a, b) => a.id.localeCompare(b.id));
  const target = new Map(byName.map((instance) => [instance.id, instance.busyHosts]));
  const load = new Map(byName.map((instance) => [instance.id, instance.sessions]));
  let idle = hosts - byName.reduce((sum, instance) => sum + instance.busyHosts, 0);
  for (; idle > 0 && byName.length > 0; idle--) {
    let least = byName[0]!.id;
    for (const { id } of byName) {
      const fewer = load.get(id)! - load.get(least)! || target.get(id)! - target.get(least)!;
      if (fewer < 0) least = id;
    }
    target.set(least, target.get(least)! + 1);
    load.set(least, load.get(least)! + 1);
  }
  return target;
}

/**
 * The order an instance prefers free hosts in: its own pseudo-random order (a hash of the instance
 * and the host), so that instances starting together reach for different hosts.
 */
export function preferenceOrder(instanceId: string, hostIds: readonly string[]): string[] {
  return [...hostIds].sort((a, b) => hash(instanceId + a) - hash(instanceId + b) || a.localeCompare(b));
}

/** The first 32 bits of the text's SHA-1: an order, not a secret. */
function hash(text: string): number {
  return createHash('sha1').update(text).digest().readUInt32BE(0);
}
