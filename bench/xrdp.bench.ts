import { execFileSync, spawn } from 'node:child_process';
import { existsSync, writeFileSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchRow } from './bench-row.js';
import type { SessionGroup } from '../src-main/core/fleet.js';
import { sessionHealth, type HealthFacts } from '../src-main/core/policies/session-health.js';
import type { SessionSpec } from '../src-main/core/session-driver.js';
import { createRdpSessionDriver } from '../src-main/drivers/session/rdp/index.js';
import { loadIronRdp } from '../src-main/drivers/session/rdp/ironrdp-loader.js';
import type { SecretStore } from '../src-main/secrets/secret-store.js';
import { portAnswers, startXrdp } from '../test/helpers/rdp-servers.js';

/**
 * Kept-alive sessions on xrdp through the product's session driver (TLS + autologon, the same code the
 * service runs): the time from the RDP port answering to the driver reporting the session logged in, and
 * the memory and CPU each idle kept session costs this process, with 10 sessions (10 Unix users: xrdp
 * gives each user one session), their desktops' health looked at every 2 s as the service does. The sessions are measured in a process of their own, started for this:
 * memory figures taken in a process that other benches already grew would mean nothing.
 */
const area = 'rdp:xrdp';
const SESSIONS = 10;
const PASSWORD = 'B3nch-Passw0rd!';
const user = (n: number) => `smbench${n}`;
/** The service looks every poll (15 s by default); more often here, to be on the safe side. */
const LOOK_EVERY_MS = 2_000;

/** The session group each bench session belongs to, at the size it asks for. */
function groupOf(key: string): SessionGroup {
  const name = key.slice('bench/'.length);
  return {
    key,
    hostId: 'bench',
    user: name,
    passwordRef: 'host-password:bench',
    width: 1280,
    height: 800,
    runnerIds: [`runner-${name}`],
    credentials: '',
  };
}

/** No task runs, and every runner is online (the bench has no orchestrator). */
function healthFacts(): HealthFacts {
  const online = new Set(Array.from({ length: SESSIONS }, (_, i) => `runner-${user(i + 1)}`));
  return { running: [], online, lastOnlineAt: () => Date.now(), now: Date.now() };
}

function ensureUser(name: string): void {
  try {
    execFileSync('id', [name], { stdio: 'ignore' });
  } catch {
    execFileSync('useradd', ['-m', '-s', '/bin/sh', name]);
  }
  execFileSync('chpasswd', { input: `${name}:${PASSWORD}\n` });
  const xsession = `/home/${name}/.xsession`;
  if (!existsSync(xsession)) {
    writeFileSync(xsession, 'exec xterm\n');
    execFileSync('chown', [`${name}:`, xsession]);
  }
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** This process's CPU over `ms`, as % of one core. */
async function cpuShare(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
}

const rssMb = () => process.memoryUsage().rss / 1024 / 1024;

export async function run(): Promise<BenchRow[]> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url), '--measure'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
  const code = await new Promise<number | null>((resolve) => child.once('close', resolve));
  if (code !== 0) throw new Error(`the xrdp measuring process exited with ${code}`);
  return JSON.parse(out.slice(out.indexOf('[{'))) as BenchRow[];
}

async function measure(): Promise<BenchRow[]> {
  for (let n = 1; n <= SESSIONS; n++) ensureUser(user(n));
  const secrets: SecretStore = { get: async () => PASSWORD, set: async () => {}, delete: async () => {} };
  await loadIronRdp();
  const xrdp = await startXrdp();
  const driver = createRdpSessionDriver(secrets);
  try {
    const idleBaseline = await cpuShare(3_000);
    const rssBase = rssMb();
    const openTimes: number[] = [];
    const rssAfter: number[] = [];
    for (let n = 1; n <= SESSIONS; n++) {
      const spec: SessionSpec = {
        key: `bench/${user(n)}`,
        hostId: 'bench',
        host: '127.0.0.1',
        port: xrdp.port,
        user: user(n),
        passwordRef: 'host-password:bench',
        width: 1280,
        height: 800,
      };
      // The reconciler opens a session once its readiness probe finds the port open: time from there.
      if (!(await portAnswers(xrdp.port))) throw new Error('xrdp does not answer');
      const started = performance.now();
      const result = await driver.open(spec);
      if (!result.ok) throw new Error(`session ${n} did not open: ${result.error.message}`);
      openTimes.push(performance.now() - started);
      await sleep(500);
      rssAfter.push(rssMb());
    }
    await sleep(2_000);
    const idleTen = await cpuShare(10_000);
    const rssBeforeLooks = rssMb();
    // As the service does every poll (more often here): list the sessions, which reads each screen
    // that changed, and work out each desktop's health.
    const healths = new Map<string, string>();
    const look = () => {
      for (const status of driver.list())
        healths.set(
          status.key,
          sessionHealth(status, groupOf(status.key), healthFacts())?.state ?? 'unknown',
        );
    };
    look();
    const poller = setInterval(look, LOOK_EVERY_MS);
    const idleTenLooked = await cpuShare(10_000);
    clearInterval(poller);
    const rssAfterLooks = rssMb();
    const open = driver.list().filter((status) => status.state === 'open').length;
    if (open !== SESSIONS) throw new Error(`${open} of ${SESSIONS} sessions stayed open`);
    const unhealthy = [...healths].filter(([, state]) => state !== 'ok');
    if (unhealthy.length > 0) throw new Error(`desktops not usable: ${JSON.stringify(unhealthy)}`);
    const perExtra = (rssAfter.at(-1)! - rssAfter[0]!) / (SESSIONS - 1);
    return [
      {
        area,
        metric: 'RDP port open → session logged in p50',
        value: percentile(openTimes, 50),
        unit: 'ms',
        note: `n=${SESSIONS}, 1280×800, includes the 3 s logon settle (xrdp sends no logon notification)`,
      },
      {
        area,
        metric: 'RDP port open → session logged in p95',
        value: percentile(openTimes, 95),
        unit: 'ms',
        note: `n=${SESSIONS}`,
      },
      {
        area,
        metric: 'memory, first kept session',
        value: rssAfter[0]! - rssBase,
        unit: 'MB',
        note: 'RSS growth of this process (wasm memory grows once)',
      },
      {
        area,
        metric: `memory per idle kept session (${SESSIONS} sessions)`,
        value: perExtra,
        unit: 'MB',
        note: `RSS ${rssBase.toFixed(0)} → ${rssAfter.at(-1)!.toFixed(0)} MB`,
      },
      {
        area,
        metric: `CPU per idle kept session (${SESSIONS} sessions)`,
        value: Math.max(0, idleTen - idleBaseline) / SESSIONS,
        unit: '% core',
        note: `${idleTen.toFixed(2)} % for all ${SESSIONS} over 10 s, baseline ${idleBaseline.toFixed(2)} %`,
      },
      {
        area,
        metric: `CPU per idle kept session, health looked at every ${LOOK_EVERY_MS / 1000} s (${SESSIONS} sessions)`,
        value: Math.max(0, idleTenLooked - idleBaseline) / SESSIONS,
        unit: '% core',
        note: `${idleTenLooked.toFixed(2)} % for all ${SESSIONS} over 10 s, every desktop ok`,
      },
      {
        area,
        // An instance of several sharing a fleet holds its sessions the same way: this is its bound.
        metric: 'sessions per instance, per GiB of memory',
        value: Math.floor(1024 / perExtra),
        unit: 'sessions',
        note: `from the memory per session above; CPU allows ${Math.floor(100 / Math.max(0.001, Math.max(0, idleTenLooked - idleBaseline) / SESSIONS))} per core (health looks on); coordination adds its own (scale-out rows)`,
      },
      {
        area,
        metric: `memory the health looks added (${SESSIONS} sessions, 10 s)`,
        value: rssAfterLooks - rssBeforeLooks,
        unit: 'MB',
        note: 'RSS after the looks less before (nothing is kept per look)',
      },
    ];
  } finally {
    await driver.dispose();
    await xrdp.stop();
  }
}

if (process.argv.includes('--measure') && import.meta.url === pathToFileURL(process.argv[1]!).href) {
  const rows = await measure();
  process.stdout.write(`${JSON.stringify(rows)}\n`);
  process.exit(0);
}
