/** Mean and 95th percentile (nearest rank) of a list; 0 for an empty list. */
export function mean(values: readonly number[]): number {
  return values.length === 0 ? 0 : values.reduce((sum, value) => sum + value, 0) / values.length;
}

export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = values.slice().sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/** What a run of a trace cost and how long tasks waited. */
export interface SimResult {
  strategy: string;
  vmHours: number;
  /** VM-hours of each host (for its price). */
  hostHours: Record<string, number>;
  meanWaitS: number;
  p95WaitS: number;
  interruptions: number;
  tasksDone: number;
  /** Tasks still queued when the trace ended (their wait counts until the end). */
  tasksUnstarted: number;
  starts: number;
}
