/** One figure printed by `npm run bench`. Each bench/<area>.bench.ts exports `run(): Promise<BenchRow[]>`. */
export interface BenchRow {
  area: string;
  metric: string;
  value: number;
  unit: string;
  /** Target or context, e.g. "target ≤ 10 ms". */
  note?: string;
}
