import type { HostMemory } from '../memory.js';

/**
 * Drain before stop: a host is stopped only after N consecutive complete observations saw it idle,
 * and those observations span the grace period. Any demand, or an incomplete observation, resets it.
 */
export function observeDrain(host: HostMemory, idle: boolean, now: number): void {
  if (idle) {
    host.drainCount++;
    host.drainSince ??= now;
  } else {
    host.drainCount = 0;
    host.drainSince = undefined;
  }
}

export function drainDone(
  host: Readonly<HostMemory>,
  observations: number,
  graceMs: number,
  now: number,
): boolean {
  return host.drainCount >= observations && host.drainSince !== undefined && now - host.drainSince >= graceMs;
}
