import { exponentialDelay } from '../../lib/backoff.js';

/**
 * Exponential back-off with "full jitter": a delay drawn uniformly from [0, min(cap, base·2^attempt)].
 * The random source is injected so tests can pin it.
 */
export function backoffDelay(attempt: number, baseMs: number, capMs: number, random: () => number): number {
  const ceiling = exponentialDelay(attempt, baseMs, capMs);
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.round(ceiling * r);
}
