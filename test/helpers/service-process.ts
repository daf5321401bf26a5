import { spawn, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { createHttpClient } from '../../src-main/api/http-client.js';
import type { SessionManagerApi } from '../../src-main/api/contract.js';
import type { ManagerEvent } from '../../src-main/core/events.js';
import type { ManagerState } from '../../src-main/core/state.js';
import { eventually } from './eventually.js';

/**
 * The real service as the user runs it: `session-manager run local` in a child process, under the
 * keychain of the test run (DBUS_SESSION_BUS_ADDRESS is inherited), with its own config, data and log
 * dirs. Fault tests kill it with SIGKILL mid-action and start it again on the same dirs. The fakes run
 * as processes too, driven through their /__control/ APIs.
 */

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

/** How long a start may take on a loaded 2-core machine (tsx compiles the sources on first run). */
export const START_TIMEOUT_MS = 120_000;

/**
 * The CLI bundled once per test process with esbuild (dependencies stay in node_modules): the same code
 * as `bin/session-manager.js`, but it starts seconds sooner than compiling every file through tsx.
 */
let bundle: Promise<string> | undefined;
export function bundledCli(): Promise<string> {
  bundle ??= (async () => {
    const { build } = await import('esbuild');
    const result = await build({
      entryPoints: [path.join(repoRoot, 'src-main/cli/main.ts')],
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
    const dir = path.join(repoRoot, 'node_modules/.cache/sm-service');
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

export interface Exit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

function exitOf(child: ChildProcess): Promise<Exit> {
  if (child.exitCode !== null || child.signalCode !== null)
    return Promise.resolve({ code: child.exitCode, signal: child.signalCode });
  return new Promise((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
}

/** Sends `signal`, then SIGKILL if the process is still there after `graceMs`. */
export async function stopChild(child: ChildProcess, signal: NodeJS.Signals, graceMs: number): Promise<Exit> {
  const exited = exitOf(child);
  if (child.exitCode !== null || child.signalCode !== null || child.pid === undefined) return exited;
  const timer = setTimeout(() => {
    try {
      process.kill(child.pid!, 'SIGKILL');
    } catch {
      // already gone
    }
  }, graceMs);
  try {
    process.kill(child.pid, signal);
  } catch {
    // already gone
  }
  const exit = await exited;
  clearTimeout(timer);
  return exit;
}

/** Collects a child's output and resolves when `pattern` appears in it (or rejects when it exits first). */
function watchOutput(child: ChildProcess, what: string) {
  let text = '';
  const waiters: Array<() => void> = [];
  const onData = (chunk: Buffer) => {
    text += chunk.toString();
    for (const wake of waiters.splice(0)) wake();
  };
  child.stdout?.on('data', onData);
  child.stderr?.on('data', onData);
  const waitFor = (pattern: RegExp, timeoutMs: number) =>
    new Promise<RegExpExecArray>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(new Error(`${what}: no ${pattern} after ${timeoutMs} ms; output:\n${text.slice(-3000)}`)),
        timeoutMs,
      );
      const onExit = (code: number | null) => {
        clearTimeout(timer);
        reject(new Error(`${what} exited (${code}) before ${pattern}; output:\n${text.slice(-3000)}`));
      };
      const check = () => {
        const match = pattern.exec(text);
        if (match) {
          clearTimeout(timer);
          child.off('exit', onExit);
          resolve(match);
        } else waiters.push(check);
      };
      child.once('exit', onExit);
      check();
    });
  return { output: () => text, waitFor };
}

export interface FakeProcess {
  url: string;
  child: ChildProcess;
  stop(): Promise<Exit>;
}

/** Starts one of the fakes (`test/fakes/<name>/server.ts --port 0`) and waits for `listening on URL`. */
export async function startFakeProcess(script: string, args: string[] = []): Promise<FakeProcess> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', path.join(repoRoot, script), '--port', '0', ...args],
    {
      cwd: repoRoot,
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  const watch = watchOutput(child, script);
  try {
    const match = await watch.waitFor(/listening on (http:\/\/127\.0\.0\.1:\d+)/, START_TIMEOUT_MS);
    return { url: match[1]!, child, stop: () => stopChild(child, 'SIGTERM', 5_000) };
  } catch (error) {
    await stopChild(child, 'SIGKILL', 0);
    throw error;
  }
}

/** Calls a fake's /__control/ API (JSON in, JSON out); a non-2xx answer throws. */
export async function control<T = unknown>(
  base: string,
  route: string,
  body?: unknown,
  method?: string,
): Promise<T> {
  const response = await fetch(`${base}${route}`, {
    method: method ?? (body === undefined ? 'GET' : 'POST'),
    headers: { 'content-type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  if (!response.ok) throw new Error(`${route}: ${response.status} ${text}`);
  return JSON.parse(text) as T;
}

export interface ServiceProcess {
  pid: number;
  /** e.g. http://127.0.0.1:41291 */
  url: string;
  /** The bearer token, read from the console URL the service printed. */
  token: string;
  /** Where its event history and logs go (reuse it for a restart that keeps the history). */
  dir: string;
  logFile: string;
  /** The typed API client (the web console's), with the token. */
  api: SessionManagerApi;
  /** A request to the service with the bearer token. */
  get(route: string): Promise<Response>;
  /** /metrics, parsed: `name{labels}` → value. */
  metrics(): Promise<Map<string, number>>;
  output(): string;
  /** What the service says now (state, recent events, output), for a failure message. */
  diagnose(): Promise<string>;
  exited: Promise<Exit>;
  /** SIGTERM (or `signal`), then SIGKILL after `graceMs`. */
  stop(signal?: NodeJS.Signals, graceMs?: number): Promise<Exit>;
  /** Ends with SIGKILL (a crash) and waits for the exit. */
  kill(): Promise<Exit>;
  /** Sends a signal without waiting (e.g. SIGUSR2 to a process started with a crash hook). */
  signal(signal: NodeJS.Signals): void;
}

export interface ServiceDirs {
  /** The config file the service reads (and writes, e.g. a pinned certificate). */
  configPath: string;
  /** Root of the service's own files: logs/, data/ (the event history) and state/ live below it. */
  dir: string;
}

export interface ServiceProcessOptions {
  configPath: string;
  /** Data and log dirs; a new temp dir when absent. */
  dir?: string;
  env?: NodeJS.ProcessEnv;
  args?: string[];
  /** Extra `--import` modules (e.g. a crash hook). */
  imports?: string[];
  /** `tsx` runs the sources as `bin/session-manager.js` does; `bundle` the same code, sooner started. */
  entry?: 'tsx' | 'bundle';
  /** The Node binary (default: the one running the tests), e.g. another supported major. */
  node?: string;
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

/** Parses the Prometheus text format into `name{labels}` → value. */
export function parseMetrics(text: string): Map<string, number> {
  const values = new Map<string, number>();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const match = /^(\S+?(?:\{[^}]*\})?)\s+(\S+)$/.exec(line);
    if (match) values.set(match[1]!, Number(match[2]));
  }
  return values;
}

export interface SpawnedService {
  child: ChildProcess;
  dir: string;
  logFile: string;
  output(): string;
  waitFor(pattern: RegExp, timeoutMs: number): Promise<RegExpExecArray>;
  exited: Promise<Exit>;
}

/** Spawns `session-manager run local --config <file> --port 0` without waiting for anything. */
export async function spawnServiceProcess(options: ServiceProcessOptions): Promise<SpawnedService> {
  const dir = options.dir ?? mkdtempSync(path.join(tmpdir(), 'sm-service-'));
  const logFile = path.join(logDir({ dir, configPath: options.configPath }), 'session-manager.log');
  const entry =
    options.entry === 'bundle'
      ? [await bundledCli()]
      : ['--import', 'tsx', path.join(repoRoot, 'src-main/cli/main.ts')];
  const args = [
    ...(options.imports ?? []).flatMap((file) => ['--import', file]),
    ...entry,
    'run',
    'local',
    '--show-token',
    '--config',
    options.configPath,
    '--port',
    '0',
    '--log-file',
    logFile,
    ...(options.args ?? []),
  ];
  const child = spawn(options.node ?? process.execPath, args, {
    cwd: repoRoot,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      // Its own event history (platformPaths().data), state and cache dirs; the keychain stays the test run's.
      XDG_DATA_HOME: path.join(dir, 'data'),
      XDG_STATE_HOME: path.join(dir, 'state'),
      XDG_CACHE_HOME: path.join(dir, 'cache'),
      AWS_EC2_METADATA_DISABLED: 'true',
      ...options.env,
    },
  });
  const watch = watchOutput(child, 'session-manager run local');
  return { child, dir, logFile, output: watch.output, waitFor: watch.waitFor, exited: exitOf(child) };
}

/** Starts `session-manager run local --config <file> --port 0` and waits for the console URL it prints. */
export async function startServiceProcess(options: ServiceProcessOptions): Promise<ServiceProcess> {
  const { child, dir, logFile, exited, ...watch } = await spawnServiceProcess(options);
  let match: RegExpExecArray;
  try {
    match = await watch.waitFor(
      /Web console: (http:\/\/[^/\s]+)\/#token=(\S+)/,
      options.timeoutMs ?? START_TIMEOUT_MS,
    );
  } catch (error) {
    await stopChild(child, 'SIGKILL', 0);
    throw error;
  }
  const url = match[1]!;
  const token = decodeURIComponent(match[2]!);
  const get = (route: string) => fetch(`${url}${route}`, { headers: { authorization: `Bearer ${token}` } });
  const api = createHttpClient({ baseUrl: url, token, retryMs: 500 });
  const diagnose = async () => {
    const parts: string[] = [];
    try {
      const state = await api.getState();
      parts.push(
        `state: ${JSON.stringify({ orchestrator: state.orchestrator, ticks: state.ticks, hosts: state.hosts.slice(0, 5), sessions: state.sessions.slice(0, 5) })}`,
      );
      const events = await api.listEvents({ limit: 30 });
      parts.push(`events:\n${events.map((e) => `  ${e.id} ${e.kind} ${e.message}`).join('\n')}`);
    } catch (error) {
      parts.push(`the API did not answer: ${String(error)}`);
    }
    parts.push(`output:\n${watch.output().slice(-2000)}`);
    return parts.join('\n');
  };
  return {
    pid: child.pid!,
    url,
    token,
    dir,
    logFile,
    api,
    diagnose,
    get,
    async metrics() {
      const response = await get('/metrics');
      if (!response.ok) throw new Error(`/metrics: ${response.status}`);
      return parseMetrics(await response.text());
    },
    output: watch.output,
    exited,
    stop: (signal = 'SIGTERM', graceMs = 60_000) => stopChild(child, signal, graceMs),
    kill: () => stopChild(child, 'SIGKILL', 0),
    signal: (signal) => void child.kill(signal),
  };
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
  return eventually(
    async () => {
      const state = await api.getState();
      return state.ticks >= from + count ? state : undefined;
    },
    `${count} ticks`,
    timeoutMs,
  );
}

/** Runs the real CLI (the bundle) as a child process: what a user types, with stdin and env. */
export async function runCliProcess(
  args: string[],
  options: { configPath: string; stdin?: string; env?: NodeJS.ProcessEnv },
): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const child = spawn(process.execPath, [await bundledCli(), '--config', options.configPath, ...args], {
    cwd: repoRoot,
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
