import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-row.js';
import { summarize } from './summary.js';

/** Runs every bench/*.bench.ts (or those named on the command line) and prints one table. */
const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

/** The whole run stays under 15 minutes: each bench gets what is left of this budget, at most 6 minutes. */
const BUDGET_MS = 14 * 60_000;
const PER_BENCH_MS = 6 * 60_000;
const runStarted = Date.now();

function withinLimit<T>(work: Promise<T>, ms: number, file: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${file} took longer than ${Math.round(ms / 1000)} s`)), ms);
  });
  return Promise.race([work, limit]).finally(() => clearTimeout(timer));
}

const rows: BenchRow[] = [];
let failures = 0;
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file}...\n`);
  try {
    const left = BUDGET_MS - (started - runStarted);
    if (left <= 0) throw new Error('the 14-minute budget of the run is spent');
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as {
      run: () => Promise<BenchRow[]>;
    };
    rows.push(...(await withinLimit(module.run(), Math.min(PER_BENCH_MS, left), file)));
  } catch (error) {
    failures++;
    process.stderr.write(
      `bench: ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
function printTable(table: string[][]): void {
  const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
  const line = (cells: string[]) =>
    `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
  console.log(line(table[0]!));
  console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
  for (const cells of table.slice(1)) console.log(line(cells));
}
printTable([
  ['area', 'metric', 'value', 'unit', 'note'],
  ...rows.map((row) => [row.area, row.metric, format(row.value), row.unit, row.note ?? '']),
]);

// A full run also prints the one summary table (bench/summary.ts); a figure without a row fails it.
const summary = only.length === 0 ? summarize(rows) : undefined;
if (summary) {
  console.log('\nSummary\n');
  printTable([
    ['figure', 'area', 'metric', 'value', 'unit'],
    ...summary.lines.map((line) => [
      line.figure,
      line.area,
      line.metric || line.note || '',
      line.value === null ? 'missing' : format(line.value),
      line.unit,
    ]),
  ]);
  if (summary.missing.length) {
    failures++;
    process.stderr.write(`bench: no row for: ${summary.missing.join('; ')}\n`);
  }
}

const out = path.join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'latest.json'),
  `${JSON.stringify({ at: new Date().toISOString(), rows, ...(summary ? { summary: summary.lines } : {}) }, null, 2)}\n`,
);
console.log(`\nwritten to bench/results/latest.json`);
// Exit now: a bench stopped by its time limit may still hold timers or child processes.
process.exit(failures ? 1 : 0);
