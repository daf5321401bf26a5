import type { BenchRow } from './bench-row.js';
import { loadIronRdp } from '../src-main/drivers/session/rdp/ironrdp-loader.js';
import {
  connectRdp,
  type ConnectParams,
  type RdpConnection,
} from '../src-main/drivers/session/rdp/rdp-connection.js';
import {
  ensureTestUser,
  startShadowServer,
  startXrdp,
  TEST_PASSWORD,
  TEST_USER,
} from '../test/helpers/rdp-servers.js';
import { eventually } from '../test/helpers/eventually.js';

/**
 * RDP driver figures against the local test servers: time from opening TCP to logged in (NLA on the
 * shadow server, TLS + autologon on xrdp), and memory and CPU per kept session, idle and active.
 */
const area = 'rdp';

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

const params = (port: number, extra: Partial<ConnectParams> = {}): ConnectParams => ({
  host: '127.0.0.1',
  port,
  user: TEST_USER,
  password: TEST_PASSWORD,
  width: 1920,
  height: 1080,
  timeoutMs: 30_000,
  logonSettleMs: 3_000,
  ...extra,
});

async function timeLogins(
  port: number,
  count: number,
  extra: Partial<ConnectParams> = {},
): Promise<number[]> {
  const times: number[] = [];
  for (let i = 0; i < count; i++) {
    const started = performance.now();
    const connection = await connectRdp(params(port, extra));
    times.push(performance.now() - started);
    await connection.close(5_000);
  }
  return times;
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** Share of one core this process used over `ms`. */
async function cpuShare(ms: number): Promise<number> {
  const before = process.cpuUsage();
  const started = performance.now();
  await sleep(ms);
  const used = process.cpuUsage(before);
  return ((used.user + used.system) / 1000 / (performance.now() - started)) * 100;
}

export async function run(): Promise<BenchRow[]> {
  ensureTestUser();
  const rows: BenchRow[] = [];
  await loadIronRdp();
  const shadow = await startShadowServer({ width: 1920, height: 1080 });
  const kept: RdpConnection[] = [];
  let xrdp: Awaited<ReturnType<typeof startXrdp>> | undefined;
  try {
    const idleBaseline = await cpuShare(2_000);
    const rssBase = process.memoryUsage().rss;
    kept.push(await connectRdp(params(shadow.port)));
    await eventually(() => kept[0]!.framebuffer.updates > 0, 'first frame');
    await sleep(1_000);
    const rssOne = process.memoryUsage().rss;
    const idleOne = await cpuShare(3_000);
    kept.push(...(await Promise.all(Array.from({ length: 9 }, () => connectRdp(params(shadow.port))))));
    await eventually(() => kept.every((c) => c.framebuffer.updates > 0), 'frames on all sessions');
    await sleep(1_000);
    const rssTen = process.memoryUsage().rss;
    const idleTen = await cpuShare(3_000);
    rows.push(
      {
        area,
        metric: 'RSS, wasm loaded, no session',
        value: mb(rssBase),
        unit: 'MB',
        note: 'whole bench process',
      },
      {
        area,
        metric: 'memory, first kept session',
        value: mb(rssOne - rssBase),
        unit: 'MB',
        note: 'includes the shared wasm memory growing',
      },
      {
        area,
        metric: 'memory per extra kept session (10 sessions)',
        value: mb((rssTen - rssOne) / 9),
        unit: 'MB',
        note: 'target ≤ 30 MB',
      },
      {
        area,
        metric: 'CPU, 1 idle kept session',
        value: Math.max(0, idleOne - idleBaseline),
        unit: '% core',
        note: 'target ≤ 1 %',
      },
      {
        area,
        metric: 'CPU per idle kept session (10 sessions)',
        value: Math.max(0, idleTen - idleBaseline) / 10,
        unit: '% core',
        note: 'target ≤ 1 %',
      },
    );
    // Active: a full-screen terminal that keeps scrolling, seen by all 10 sessions.
    const busy = shadow.runOnDisplay('xterm', [
      '-geometry',
      '240x70+0+0',
      '-e',
      'sh',
      '-c',
      'while :; do ls -l /usr/lib; done',
    ]);
    await sleep(1_000);
    const activeTen = await cpuShare(3_000);
    busy.kill();
    rows.push({
      area,
      metric: 'CPU per active kept session (10 sessions)',
      value: Math.max(0, activeTen - idleBaseline) / 10,
      unit: '% core',
      note: 'screen scrolling continuously',
    });
    await Promise.all(
      kept
        .splice(0)
        .slice(1)
        .map((c) => c.close(5_000)),
    );
    const busyOne = shadow.runOnDisplay('xterm', [
      '-geometry',
      '240x70+0+0',
      '-e',
      'sh',
      '-c',
      'while :; do ls -l /usr/lib; done',
    ]);
    const reference = kept[0];
    kept.splice(0);
    if (reference) kept.push(reference);
    await sleep(1_000);
    const activeOne = await cpuShare(3_000);
    busyOne.kill();
    rows.push({
      area,
      metric: 'CPU, 1 active kept session',
      value: Math.max(0, activeOne - idleBaseline),
      unit: '% core',
      note: 'screen scrolling continuously',
    });
    await Promise.all(kept.splice(0).map((c) => c.close(5_000)));
    const nla = await timeLogins(shadow.port, 10);
    rows.push(
      {
        area,
        metric: 'TCP open → logged in, NLA (shadow) p50',
        value: percentile(nla, 50),
        unit: 'ms',
        note: 'n=10, 1920×1080',
      },
      {
        area,
        metric: 'TCP open → logged in, NLA (shadow) p95',
        value: percentile(nla, 95),
        unit: 'ms',
        note: 'n=10',
      },
    );
    // xrdp sends no logon notification: the driver waits logonSettleMs (3 s by default) on top of this.
    xrdp = await startXrdp();
    const tls = await timeLogins(xrdp.port, 5, { logonSettleMs: 0 });
    rows.push(
      {
        area,
        metric: 'TCP open → connected, TLS+autologon (xrdp) p50',
        value: percentile(tls, 50),
        unit: 'ms',
        note: 'n=5; + logonSettleMs (3 s) without a logon notification',
      },
      {
        area,
        metric: 'TCP open → connected, TLS+autologon (xrdp) p95',
        value: percentile(tls, 95),
        unit: 'ms',
        note: 'n=5',
      },
    );
  } finally {
    await Promise.all(kept.map((c) => c.close(5_000)));
    await shadow.stop();
    await xrdp?.stop();
  }
  return rows;
}
