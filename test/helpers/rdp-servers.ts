import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import {
  closeSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  writeFileSync,
} from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { eventually } from './eventually.js';

/**
 * Real RDP servers on 127.0.0.1 for the tests (see TESTBED.md): FreeRDP's shadow server for NLA and
 * xrdp for TLS. Each gets a free port and a temp config dir, and is stopped by its PID. A missing
 * binary throws: the tests that need these servers fail rather than skip.
 */

export const TEST_USER = 'smrdpbot';
export const TEST_PASSWORD = 'B0tPassw0rd!';

function requireBinary(name: string): string {
  for (const dir of (process.env.PATH ?? '').split(':').concat(['/usr/sbin', '/usr/bin', '/sbin'])) {
    const candidate = path.join(dir, name);
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(`${name} is not installed: run scripts/install-system-packages.sh`);
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export function portAnswers(port: number, host = '127.0.0.1'): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls (no fixed sleep decides anything) until something listens on the port. */
export async function waitForPort(port: number, timeoutMs = 20_000, host = '127.0.0.1'): Promise<void> {
  await eventually(() => portAnswers(port, host), `something listening on ${host}:${port}`, timeoutMs);
}

/** Every process below `root` (sesman forks one per session, which starts Xorg and the session). */
export function descendants(root: number): number[] {
  const table = execFileSync('ps', ['-eo', 'pid=,ppid='], { encoding: 'utf8' })
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/).map(Number) as [number, number]);
  const found: number[] = [];
  const queue = [root];
  while (queue.length) {
    const parent = queue.shift()!;
    for (const [pid, ppid] of table) {
      if (ppid === parent && !found.includes(pid)) {
        found.push(pid);
        queue.push(pid);
      }
    }
  }
  return found;
}

/** Whether a process with this PID still exists. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

function killPids(pids: number[], signal: NodeJS.Signals): void {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
}

function stopProcess(child: ChildProcess | undefined, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (!child || child.exitCode !== null || child.signalCode !== null || child.pid === undefined) {
    return Promise.resolve();
  }
  return new Promise((resolve) => {
    const timer = setTimeout(() => {
      try {
        process.kill(child.pid!, 'SIGKILL');
      } catch {
        // gone
      }
    }, 3_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    try {
      process.kill(child.pid!, signal);
    } catch {
      clearTimeout(timer);
      resolve();
    }
  });
}

/** The Unix account both servers log on (xrdp through PAM; the shadow server through a SAM file). */
export function ensureTestUser(): void {
  try {
    execFileSync('id', [TEST_USER], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', TEST_USER]);
  }
  execFileSync('chpasswd', { input: `${TEST_USER}:${TEST_PASSWORD}\n` });
  const home = `/home/${TEST_USER}`;
  const xsession = path.join(home, '.xsession');
  if (!existsSync(xsession)) {
    writeFileSync(xsession, 'exec xterm\n');
    execFileSync('chown', [`${TEST_USER}:`, xsession]);
  }
}

/** Xvfb's display-number lock is racy when several start at once: start them one at a time. */
let xvfbQueue: Promise<unknown> = Promise.resolve();

function startXvfb(width: number, height: number): Promise<{ child: ChildProcess; display: string }> {
  const next = xvfbQueue.then(async () => {
    // A display number whose lock another X server lost can be handed out twice; check that an X
    // client really gets this display, and take another one if not.
    for (let attempt = 1; ; attempt++) {
      const xvfb = await startXvfbNow(width, height);
      try {
        execFileSync(requireBinary('xdpyinfo'), ['-display', xvfb.display], {
          stdio: 'ignore',
          timeout: 10_000,
        });
        return xvfb;
      } catch (error) {
        await stopProcess(xvfb.child);
        if (attempt === 3) throw new Error(`no usable Xvfb display: ${String(error)}`);
      }
    }
  });
  xvfbQueue = next.catch(() => undefined);
  return next;
}

/** An X display for the shadow server to share, with -displayfd so no display number is guessed. */
async function startXvfbNow(
  width: number,
  height: number,
): Promise<{ child: ChildProcess; display: string }> {
  const child = spawn(
    requireBinary('Xvfb'),
    ['-displayfd', '3', '-screen', '0', `${width}x${height}x24`, '-nolisten', 'tcp', '-noreset'],
    { stdio: ['ignore', 'ignore', 'pipe', 'pipe'] },
  );
  let errors = '';
  child.stderr?.on('data', (chunk: Buffer) => (errors += chunk.toString()));
  const number = await new Promise<string>((resolve, reject) => {
    let text = '';
    const timer = setTimeout(() => reject(new Error(`Xvfb did not start: ${errors}`)), 20_000);
    (child.stdio[3] as NodeJS.ReadableStream).on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('\n')) {
        clearTimeout(timer);
        resolve(text.trim());
      }
    });
    child.once('exit', () => reject(new Error(`Xvfb exited: ${errors}`)));
  });
  // Ready means its socket accepts connections (what the shadow server will do next).
  const socketPath = `/tmp/.X11-unix/X${number}`;
  await eventually(
    () =>
      new Promise<boolean>((resolve) => {
        if (child.exitCode !== null) throw new Error(`Xvfb :${number} exited: ${errors}`);
        const probe = net.connect({ path: socketPath });
        probe.once('connect', () => {
          probe.destroy();
          resolve(true);
        });
        probe.once('error', () => resolve(false));
      }),
    `Xvfb :${number}`,
    20_000,
  );
  return { child, display: `:${number}` };
}

export interface ShadowServer {
  port: number;
  /** Where it keeps its generated certificate; reusing it keeps the same certificate. */
  configDir: string;
  display: string;
  /** Kills the RDP server (not the display): a host going away. */
  kill(): Promise<void>;
  /** Starts it again on the same port, optionally with another config dir (another certificate). */
  start(configDir?: string): Promise<void>;
  /** Runs an X client on the shared display (e.g. something that keeps the screen changing). */
  runOnDisplay(command: string, args: string[]): ChildProcess;
  /** Shows a local HTML page full-screen on the display (Chromium in kiosk mode), until stopped. */
  showPage(file: string): { stop(): Promise<void> };
  stop(): Promise<void>;
}

/**
 * The shadow server makes its certificate on first start, which takes seconds on a loaded machine;
 * making it here with openssl is quicker and gives each config dir its own certificate.
 */
function makeShadowCertificate(configDir: string): void {
  const dir = path.join(configDir, 'freerdp', 'shadow');
  if (existsSync(path.join(dir, 'shadow.crt'))) return;
  mkdirSync(dir, { recursive: true });
  execFileSync(
    requireBinary('openssl'),
    [
      'req',
      '-x509',
      '-newkey',
      'rsa:2048',
      '-nodes',
      '-days',
      '30',
      '-subj',
      '/CN=session-manager-test',
      '-keyout',
      path.join(dir, 'shadow.key'),
      '-out',
      path.join(dir, 'shadow.crt'),
    ],
    { stdio: 'ignore' },
  );
}

/** FreeRDP's shadow server with NLA (/sec:nla) and a SAM file holding the test user's NT hash. */
export async function startShadowServer(
  options: { width?: number; height?: number; user?: string; password?: string } = {},
): Promise<ShadowServer> {
  const binary = requireBinary('freerdp-shadow-cli');
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-shadow-'));
  const sam = path.join(dir, 'sam.txt');
  writeFileSync(
    sam,
    execFileSync(requireBinary('winpr-hash'), [
      '-u',
      options.user ?? TEST_USER,
      '-p',
      options.password ?? TEST_PASSWORD,
      '-f',
      'sam',
    ]),
  );
  const xvfb = await startXvfb(options.width ?? 1024, options.height ?? 768);
  const port = await freePort();
  let child: ChildProcess | undefined;
  const clients: ChildProcess[] = [];
  const server: ShadowServer = {
    port,
    configDir: path.join(dir, 'cfg-a'),
    display: xvfb.display,
    async start(configDir) {
      if (configDir) server.configDir = configDir;
      makeShadowCertificate(server.configDir);
      const output: string[] = [];
      child = spawn(binary, [`/bind-address:127.0.0.1`, `/port:${port}`, '/sec:nla', `/sam-file:${sam}`], {
        env: { ...process.env, DISPLAY: xvfb.display, XDG_CONFIG_HOME: server.configDir },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      child.stdout?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr?.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const started = child;
      try {
        await eventually(
          async () => {
            if (started.exitCode !== null) throw new Error('freerdp-shadow-cli exited');
            return portAnswers(port);
          },
          `freerdp-shadow-cli on port ${port}`,
          45_000,
        );
      } catch (error) {
        throw new Error(`${String(error)}; freerdp-shadow-cli said: ${output.join('').slice(-2000)}`);
      }
    },
    async kill() {
      await stopProcess(child, 'SIGKILL');
    },
    runOnDisplay(command, args) {
      const client = spawn(command, args, {
        env: { ...process.env, DISPLAY: xvfb.display },
        stdio: 'ignore',
      });
      clients.push(client);
      return client;
    },
    showPage(file) {
      const profile = mkdtempSync(path.join(dir, 'chromium-'));
      const { width = 1024, height = 768 } = options;
      const browser = server.runOnDisplay(requireBinary('chromium'), [
        '--no-sandbox',
        '--test-type', // no bar warning of --no-sandbox over the page
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
        '--password-store=basic',
        `--user-data-dir=${profile}`,
        '--window-position=0,0',
        `--window-size=${width},${height}`,
        '--kiosk',
        `file://${file}`,
      ]);
      return {
        async stop() {
          // Chromium's renderer and helper processes are its children: stop them by PID too.
          const helpers = browser.pid === undefined ? [] : descendants(browser.pid);
          await stopProcess(browser);
          killPids(helpers, 'SIGKILL');
        },
      };
    },
    async stop() {
      await Promise.all(clients.map((client) => stopProcess(client)));
      await stopProcess(child);
      await stopProcess(xvfb.child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
  try {
    await server.start();
  } catch (error) {
    await server.stop();
    throw error;
  }
  return server;
}

/**
 * xrdp finds sesman on the port in /etc/xrdp/sesman.ini (3350), so every xrdp on the machine, in
 * every test process, shares one sesman. It is reference-counted through files: each xrdp in use
 * holds a file in users/; the last one to leave stops sesman and the sessions it started.
 */
const SESMAN_PORT = 3350;
const SESMAN_DIR = path.join(os.tmpdir(), 'session-manager-test-sesman');

const sesmanAnswers = async () => (await portAnswers(SESMAN_PORT, '::1')) || (await portAnswers(SESMAN_PORT));

async function withStartLock<T>(work: () => Promise<T>): Promise<T> {
  const lock = path.join(SESMAN_DIR, 'start.lock');
  await eventually(
    () => {
      try {
        closeSync(openSync(lock, 'wx'));
        return true;
      } catch {
        // A lock older than a minute belongs to a process that died while starting sesman.
        const stale = statSync(lock, { throwIfNoEntry: false });
        if (stale && Date.now() - stale.mtimeMs > 60_000) rmSync(lock, { force: true });
        return false;
      }
    },
    'the sesman start lock',
    90_000,
  );
  try {
    return await work();
  } finally {
    rmSync(lock, { force: true });
  }
}

async function acquireSesman(binary: string): Promise<() => Promise<void>> {
  const users = path.join(SESMAN_DIR, 'users');
  mkdirSync(users, { recursive: true });
  const token = path.join(users, `${process.pid}-${randomUUID()}`);
  const pidFile = path.join(SESMAN_DIR, 'sesman.pid');
  await withStartLock(async () => {
    writeFileSync(token, '');
    if (await sesmanAnswers()) return;
    const set = (text: string, key: string, value: string) =>
      text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
    let ini = readFileSync('/etc/xrdp/sesman.ini', 'utf8');
    ini = set(ini, 'ListenPort', String(SESMAN_PORT));
    ini = set(ini, 'LogFile', path.join(SESMAN_DIR, 'sesman.log'));
    ini = set(ini, 'EnableSyslog', 'false');
    ini = set(ini, 'KillDisconnected', 'true'); // a session ends with its connection: nothing lingers
    writeFileSync(path.join(SESMAN_DIR, 'sesman.ini'), ini);
    // Detached: it outlives this test process if another one still uses it.
    const child = spawn(binary, ['--nodaemon', '-c', path.join(SESMAN_DIR, 'sesman.ini')], {
      stdio: 'ignore',
      detached: true,
    });
    child.unref();
    writeFileSync(pidFile, String(child.pid));
    await eventually(sesmanAnswers, 'xrdp-sesman', 20_000);
  });
  return async () => {
    await withStartLock(async () => {
      rmSync(token, { force: true });
      for (const name of readdirSync(users)) {
        if (!isAlive(Number(name.split('-')[0]))) rmSync(path.join(users, name), { force: true });
      }
      if (readdirSync(users).length > 0 || !existsSync(pidFile)) return;
      const pid = Number(readFileSync(pidFile, 'utf8'));
      rmSync(pidFile, { force: true });
      if (!isAlive(pid)) return;
      const below = descendants(pid);
      killPids([pid, ...below], 'SIGTERM');
      await eventually(() => ![pid, ...below].some(isAlive), 'sesman to stop', 5_000).catch(() =>
        killPids([pid, ...below].filter(isAlive), 'SIGKILL'),
      );
    });
  };
}

export interface XrdpServer {
  port: number;
  logFile: string;
  sesmanLogFile: string;
  log(): string;
  stop(): Promise<void>;
}

/**
 * xrdp with TLS only, on a free loopback port, with a config copied from /etc/xrdp into a temp dir.
 * Sessions end when the client disconnects (KillDisconnected), so nothing lingers after a test.
 */
export async function startXrdp(): Promise<XrdpServer> {
  const xrdp = requireBinary('xrdp');
  const sesman = requireBinary('xrdp-sesman');
  requireBinary('Xorg');
  ensureTestUser();
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sm-xrdp-'));
  execFileSync('cp', ['-rL', '/etc/xrdp/.', dir]);
  const port = await freePort();
  const logFile = path.join(dir, 'xrdp.log');
  const sesmanLogFile = path.join(SESMAN_DIR, 'sesman.log');
  const set = (text: string, key: string, value: string) =>
    text.replace(new RegExp(`^${key}=.*$`, 'm'), `${key}=${value}`);
  let ini = readFileSync(path.join(dir, 'xrdp.ini'), 'utf8');
  ini = set(ini, 'port', `tcp://127.0.0.1:${port}`);
  ini = set(ini, 'security_layer', 'tls');
  ini = set(ini, 'certificate', path.join(dir, 'cert.pem'));
  ini = set(ini, 'key_file', path.join(dir, 'key.pem'));
  ini = set(ini, 'autorun', 'Xorg');
  ini = set(ini, 'LogFile', logFile);
  ini = set(ini, 'EnableSyslog', 'false');
  writeFileSync(path.join(dir, 'xrdp.ini'), ini);
  const releaseSesman = await acquireSesman(sesman);
  const child = spawn(xrdp, ['--nodaemon', '-c', path.join(dir, 'xrdp.ini')], { stdio: 'ignore' });
  await waitForPort(port);
  return {
    port,
    logFile,
    sesmanLogFile,
    log: () => (existsSync(logFile) ? readFileSync(logFile, 'utf8') : ''),
    async stop() {
      // xrdp forks one process per connection; they go with it.
      const below = child.pid ? descendants(child.pid) : [];
      await stopProcess(child);
      killPids(below.filter(isAlive), 'SIGKILL');
      await releaseSesman();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
