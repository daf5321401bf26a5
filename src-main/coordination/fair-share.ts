import { createHash } from 'node:crypto';

/**
 * How many hosts one instance holds when `instances` share `hosts`: an even split, rounded up so that
 * every host has a holder.
 */
export function fairShare(hosts: number, instances: number): number {
  return Math.ceil(hosts / Math.max(1, instances));
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
