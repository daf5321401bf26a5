import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { BenchRow } from './bench-row.js';

/** How long a CLI command takes to start and answer, against a bare `node -e 0` (the floor). */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const RUNS = 15;

function medianMs(args: string[], env: NodeJS.ProcessEnv): number {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const started = process.hrtime.bigint();
    execFileSync(process.execPath, args, { cwd: root, env, stdio: 'ignore' });
    times.push(Number(process.hrtime.bigint() - started) / 1e6);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

export async function run(): Promise<BenchRow[]> {
  if (!existsSync(path.join(root, 'dist-cli/session-manager.mjs')))
    execFileSync('npm', ['run', '--silent', 'build:cli'], { cwd: root, stdio: 'inherit' });
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-cli-bench-'));
  const env = { ...process.env, SESSION_MANAGER_CONFIG: path.join(dir, 'config.json') };
  try {
    const floor = medianMs(['-e', '0'], env);
    const version = medianMs(['bin/session-manager.js', '--version'], env);
    const configPath = medianMs(['bin/session-manager.js', 'config', 'path'], env);
    const note = (ms: number) =>
      `${(ms / floor).toFixed(1)}× node -e 0 (${floor.toFixed(0)} ms); target: a few times`;
    return [
      {
        area: 'cli',
        metric: 'start-up: node -e 0 (the floor), median',
        value: Math.round(floor),
        unit: 'ms',
      },
      {
        area: 'cli',
        metric: 'start-up: session-manager --version, median',
        value: Math.round(version),
        unit: 'ms',
        note: note(version),
      },
      {
        area: 'cli',
        metric: 'start-up: session-manager config path, median',
        value: Math.round(configPath),
        unit: 'ms',
        note: note(configPath),
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
