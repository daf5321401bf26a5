/** The exponential part of every back-off here: base·factor^attempt, at most cap (attempt 0-based). */
export function exponentialDelay(attempt: number, baseMs: number, capMs: number, factor = 2): number {
  return Math.min(capMs, baseMs * factor ** Math.max(0, Math.min(attempt, 60)));
}
