import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { SessionManagerApi } from '../../src-main/api/contract.js';
import { createHttpClient } from '../../src-main/api/http-client.js';
import type { ManagerEvent } from '../../src-main/core/events.js';
import type { ManagerState } from '../../src-main/core/state.js';

/**
 * The real service (`session-manager run local`) as a child process, for fault and security tests:
 * it can be killed with SIGKILL mid-action and started again on the same config, log and data dirs.
 * Secrets come from the keychain the tests run in (scripts/with-keychain.sh), shared over D-Bus.
 */

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/**
 * The CLI bundled once per test process with esbuild (dependencies stay in node_modules): the same code
 * as `bin/session-manager.js`, but it starts seconds sooner than compiling every file through tsx.
 */
let bundle: Promise<string> | undefined;
function serviceEntry(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.join(root, 'src-main/cli/main.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      target: 'node20',
      packages: 'external',
      write: false,
      logLevel: 'warning',
    });
    const code = result.outputFiles[0]!.contents;
    // Named by content: parallel workers share one file, and a run leaves at most one per source state.
    // It lives under node_modules so its imports resolve to the project's dependencies.
    const dir = path.join(root, 'node_modules/.cache/sm-faults');
    mkdirSync(dir, { recursive: true });
    const outfile = path.join(dir, `cli-${createHash('sha256').update(code).digest('hex').slice(0, 16)}.mjs`);
    if (!existsSync(outfile)) {
      const temp = `${outfile}.${process.pid}.tmp`;
      writeFileSync(temp, code);
      renameSync(temp, outfile);
    }
    const dayAgo = Date.now() - 24 * 3600_000;
    for (const file of readdirSync(dir))
      if (path.join(dir, file) !== outfile && statSync(path.join(dir, file)).mtimeMs < dayAgo)
        rmSync(path.join(dir, file), { force: true });
    return outfile;
  })();
  return bundle;
}

export interface ServiceDirs {
  /** The config file the service reads (and writes, e.g. a pinned certificate). */
  configPath: string;
  /** Root of the service's own files: logs/ and data/ (the event history) live below it. */
  dir: string;
}

export interface ServiceProcess {
  pid: number;
  url: string;
  token: string;
  api: SessionManagerApi;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Ends with SIGKILL (a crash) and waits for the exit. */
  kill(): Promise<void>;
  /** Ends with SIGTERM (graceful stop) and waits for the exit. */
  stop(): Promise<void>;
  /** Sends a signal without waiting (e.g. SIGUSR2 to a process started with a crash hook). */
  signal(signal: NodeJS.Signals): void;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export interface StartOptions extends ServiceDirs {
  env?: NodeJS.ProcessEnv;
  /** Extra `--import` modules (e.g. a crash hook). */
  imports?: string[];
  timeoutMs?: number;
}

export const logDir = (dirs: ServiceDirs) => path.join(dirs.dir, 'logs');

/** Every log file the service wrote (pino-roll numbers them). */
export function readServiceLogs(dirs: ServiceDirs): string {
  const dir = logDir(dirs);
  if (!existsSync(dir)) return '';
  return readdirSync(dir)
    .sort()
    .map((file) => readFileSync(path.join(dir, file), 'utf8'))
    .join('');
}

/** The persisted event history (data/session-manager/events.jsonl under the service's XDG data dir). */
export function readEventFile(dirs: ServiceDirs): string {
  const file = path.join(dirs.dir, 'data', 'session-manager', 'events.jsonl');
  return existsSync(file) ? readFileSync(file, 'utf8') : '';
}

export async function startServiceProcess(options: StartOptions): Promise<ServiceProcess> {
  mkdirSync(logDir(options), { recursive: true });
  const entry = await serviceEntry();
  const child: ChildProcess = spawn(
    process.execPath,
    [
      ...(options.imports ?? []).flatMap((file) => ['--import', file]),
      entry,
      '--config',
      options.configPath,
      'run',
      'local',
      '--show-token',
      '--port',
      '0',
      '--log-file',
      path.join(logDir(options), 'session-manager.log'),
    ],
    {
      cwd: root,
      stdio: ['ignore', 'pipe', 'pipe'],
      env: {
        ...process.env,
        XDG_DATA_HOME: path.join(options.dir, 'data'),
        XDG_STATE_HOME: path.join(options.dir, 'state'),
        XDG_CACHE_HOME: path.join(options.dir, 'cache'),
        ...options.env,
      },
    },
  );
  let text = '';
  child.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  child.stderr!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  // 'close' comes after the output is drained ('exit' may come before the last of stderr).
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('close', (code, signal) => resolve({ code, signal })),
  );
  const { url, token } = await new Promise<{ url: string; token: string }>((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`the service did not start:\n${text.slice(-3000)}`)),
      options.timeoutMs ?? 60_000,
    );
    const look = () => {
      const match = /Web console: (http:\/\/127\.0\.0\.1:\d+)\/#token=([^\s]+)/.exec(text);
      if (!match) return;
      clearTimeout(timer);
      resolve({ url: match[1]!, token: decodeURIComponent(match[2]!) });
    };
    child.stdout!.on('data', look);
    void exited.then(({ code, signal }) => {
      clearTimeout(timer);
      reject(new Error(`the service exited (${code ?? signal}) before listening:\n${text.slice(-3000)}`));
    });
  });
  const end = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null) child.kill(signal);
    await exited;
  };
  return {
    pid: child.pid!,
    url,
    token,
    api: createHttpClient({ baseUrl: url, token }),
    output: () => text,
    kill: () => end('SIGKILL'),
    stop: async () => {
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      await end('SIGTERM');
      clearTimeout(timer);
    },
    signal: (signal) => child.kill(signal),
    exited,
  };
}

/** Polls `check` (no fixed sleep decides anything) until it returns a value, or fails after `timeoutMs`. */
export async function until<T>(
  check: () => T | undefined | false | Promise<T | undefined | false>,
  what: string | (() => string),
  timeoutMs = 60_000,
  everyMs = 100,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline)
      throw new Error(`timed out waiting for ${typeof what === 'string' ? what : what()}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Events with an id above `afterId` (the history survives restarts, so ids keep increasing). */
export async function eventsAfter(api: SessionManagerApi, afterId = 0): Promise<ManagerEvent[]> {
  return api.listEvents({ afterId, limit: 1000 });
}

export async function lastEventId(api: SessionManagerApi): Promise<number> {
  const events = await api.listEvents({ limit: 1 });
  return events.at(-1)?.id ?? 0;
}

/** Waits until the service has completed `count` more ticks than `from` and returns that state. */
export async function ticksPassed(
  api: SessionManagerApi,
  from: number,
  count: number,
  timeoutMs = 60_000,
): Promise<ManagerState> {
  return until(
    async () => {
      const state = await api.getState();
      return state.ticks >= from + count ? state : undefined;
    },
    `${count} ticks`,
    timeoutMs,
  );
}

/** Runs the real CLI (the same bundle) as a child process: what a user types, with stdin and env. */
export async function runCliProcess(
  args: string[],
  options: { configPath: string; stdin?: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const entry = await serviceEntry();
  const child = spawn(process.execPath, [entry, '--config', options.configPath, ...args], {
    cwd: root,
    stdio: ['pipe', 'pipe', 'pipe'],
    env: { ...process.env, ...options.env },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  child.stdin.end(options.stdin ?? '');
  const code = await new Promise<number | null>((resolve) => child.once('close', (value) => resolve(value)));
  return { code, stdout, stderr };
}
