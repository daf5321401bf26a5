import { exponentialDelay } from '../../lib/backoff.js';

/**
 * Exponential back-off for failed starts and session opens: 1 min, 2, 4, 8 ... at most 30 min.
 * Deterministic (no jitter) because `plan` is pure; hosts fail at different times anyway.
 */
const BACKOFF_BASE_MS = 60_000;
const BACKOFF_MAX_MS = 30 * 60_000;

/** Delay before the next attempt after `attempts` failures in a row (attempts ≥ 1). */
export function backoffDelay(attempts: number, retryAfterMs = 0): number {
  return Math.max(exponentialDelay(attempts - 1, BACKOFF_BASE_MS, BACKOFF_MAX_MS), retryAfterMs);
}
