import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-row.js';

/** Runs every bench/*.bench.ts (or those named on the command line) and prints one table. */
const here = path.dirname(fileURLToPath(import.meta.url));
const only = process.argv.slice(2);
const files = readdirSync(here)
  .filter((file) => file.endsWith('.bench.ts'))
  .filter((file) => only.length === 0 || only.some((name) => file.startsWith(name)))
  .sort();

const rows: BenchRow[] = [];
let failures = 0;
for (const file of files) {
  const started = Date.now();
  process.stderr.write(`bench: ${file}...\n`);
  try {
    const module = (await import(pathToFileURL(path.join(here, file)).href)) as {
      run: () => Promise<BenchRow[]>;
    };
    rows.push(...(await module.run()));
  } catch (error) {
    failures++;
    process.stderr.write(
      `bench: ${file} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.stderr.write(`bench: ${file} done in ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
}

const format = (value: number) => (Number.isInteger(value) ? String(value) : value.toPrecision(4));
const table = [
  ['area', 'metric', 'value', 'unit', 'note'],
  ...rows.map((row) => [row.area, row.metric, format(row.value), row.unit, row.note ?? '']),
];
const widths = table[0]!.map((_, column) => Math.max(...table.map((line) => line[column]!.length)));
const line = (cells: string[]) =>
  `| ${cells.map((cell, column) => cell.padEnd(widths[column]!)).join(' | ')} |`;
console.log(line(table[0]!));
console.log(`|${widths.map((width) => '-'.repeat(width + 2)).join('|')}|`);
for (const cells of table.slice(1)) console.log(line(cells));

const out = path.join(here, 'results');
mkdirSync(out, { recursive: true });
writeFileSync(
  path.join(out, 'latest.json'),
  `${JSON.stringify({ at: new Date().toISOString(), rows }, null, 2)}\n`,
);
console.log(`\nwritten to bench/results/latest.json`);
process.exitCode = failures ? 1 : 0;
