import { execFileSync } from 'node:child_process';
import { PNG } from 'pngjs';
import path from 'node:path';
import {
  BLANK_AFTER_MS,
  LOGIN_AFTER_MS,
  sessionHealth,
} from '../../../src-main/core/policies/session-health.js';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { SessionGroup } from '../../../src-main/core/fleet.js';
import type { SessionSpec, SessionStatus } from '../../../src-main/core/session-driver.js';
import { connectRdp, type Connector } from '../../../src-main/drivers/session/rdp/rdp-connection.js';
import { RdpSessionDriver } from '../../../src-main/drivers/session/rdp/rdp-session-driver.js';
import {
  ensureTestUser,
  startShadowServer,
  startXrdp,
  TEST_PASSWORD,
  TEST_USER,
  type XrdpServer,
} from '../../helpers/rdp-servers.js';
import { eventually } from '../../helpers/eventually.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/** The session group a health check compares the screen with: runner r1 at 1024×768. */
function groupOf(key: string): SessionGroup {
  return {
    key,
    hostId: key,
    user: TEST_USER,
    passwordRef: 'host-password:test',
    width: 1024,
    height: 768,
    runnerIds: ['r1'],
    credentials: '',
  };
}
/** No task runs, and the runner is online. */
const facts = { running: [], online: new Set(['r1']), lastOnlineAt: () => undefined };

const screens = path.resolve(import.meta.dirname, '../../fixtures/screens');
const fastReconnect = { backoff: { initialMs: 200, maxMs: 1_000, factor: 2, jitter: 0 } };

function spec(key: string, port: number, extra: Partial<SessionSpec> = {}): SessionSpec {
  return {
    key,
    hostId: key,
    host: '127.0.0.1',
    port,
    user: TEST_USER,
    passwordRef: 'host-password:test',
    width: 1024,
    height: 768,
    ...extra,
  };
}

function setup(options = {}) {
  const secrets = new MemorySecrets();
  secrets.values.set('host-password:test', TEST_PASSWORD);
  let connects = 0;
  const connect: Connector = (params) => {
    connects++;
    return connectRdp(params);
  };
  const driver = new RdpSessionDriver({ secrets, connect, options: { ...fastReconnect, ...options } });
  const changes: SessionStatus[] = [];
  driver.onChange((status) => changes.push(status));
  return { secrets, driver, changes, connects: () => connects };
}

const drivers: RdpSessionDriver[] = [];
const servers: { stop(): Promise<void> }[] = [];
function track<T extends { driver: RdpSessionDriver }>(value: T): T {
  drivers.push(value.driver);
  return value;
}
async function server<T extends { stop(): Promise<void> }>(started: Promise<T>): Promise<T> {
  const value = await started;
  servers.push(value);
  return value;
}

beforeAll(() => ensureTestUser());
afterEach(async () => {
  await Promise.all(drivers.splice(0).map((driver) => driver.dispose()));
  await Promise.all(servers.splice(0).map((s) => s.stop()));
});

describe('RDP driver against FreeRDP shadow server (NLA)', { timeout: 90_000 }, () => {
  it('logs in with the right password, pins the certificate, receives frames and makes a thumbnail', async () => {
    const shadow = await server(startShadowServer());
    const { driver } = track(setup());
    const result = await driver.open(spec('nla/ok', shadow.port));
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.status.state).toBe('open');
    expect(result.pinnedCertificate).toMatch(/^[0-9a-f]{64}$/);
    const info = await eventually(() => {
      const fb = driver.framebufferInfo('nla/ok');
      return fb && fb.updates > 0 ? fb : undefined;
    }, 'frames');
    expect([info.width, info.height]).toEqual([1024, 768]);
    const png = await driver.thumbnail('nla/ok', 320);
    expect(png).toBeDefined();
    const image = PNG.sync.read(Buffer.from(png!));
    expect([image.width, image.height]).toEqual([320, 240]);

    await driver.close('nla/ok');
    await driver.close('nla/ok'); // idempotent
    expect(driver.list()).toEqual([]);
  });

  it('sees the screen the bot gets: its real size (the server ignores the size asked for), blank when its program dies', async () => {
    const shadow = await server(startShadowServer({ width: 800, height: 600 }));
    const { driver } = track(setup());
    expect(await driver.open(spec('nla/health', shadow.port))).toMatchObject({ ok: true });
    const screen = () => driver.list().find((session) => session.key === 'nla/health')?.screen;
    const reading = (what: 'blank' | 'desktop') =>
      eventually(() => (screen()?.reading === what ? screen() : undefined), `a ${what} screen`);
    const group = groupOf('nla/health');
    const session = () => driver.list().find((s) => s.key === 'nla/health')!;

    // A program on the display: a desktop, at the screen's own size, not the one asked for.
    const program = shadow.runOnDisplay('xterm', ['-geometry', '80x24+10+10']);
    expect(await reading('desktop')).toMatchObject({ width: 800, height: 600 });
    expect(sessionHealth(session(), group, { ...facts, now: Date.now() })).toMatchObject({
      state: 'wrong-size',
      reason: 'the screen is 800×600, not the 1024×768 configured',
    });

    // The program killed: nothing but the black root window is left, blank once it stays so.
    program.kill();
    const blank = await reading('blank');
    expect(sessionHealth(session(), group, { ...facts, now: blank.changedAt + BLANK_AFTER_MS })?.state).toBe(
      'blank',
    );
    await driver.close('nla/health');
  });

  it("reads Windows' lock and sign-in screens on the session's screen, by their layout", async () => {
    const shadow = await server(startShadowServer());
    const { driver } = track(setup());
    expect(await driver.open(spec('nla/windows', shadow.port))).toMatchObject({ ok: true });
    const screen = () => driver.list().find((session) => session.key === 'nla/windows')?.screen;
    const group = groupOf('nla/windows');
    for (const [page, reading] of [
      ['windows-10-lock.html', 'lock-screen'],
      ['windows-10-sign-in.html', 'login-screen'],
    ] as const) {
      const shown = shadow.showPage(path.join(screens, page));
      try {
        const seen = await eventually(
          () => (screen()?.reading === reading ? screen() : undefined),
          `${reading} on the session's screen`,
          30_000,
        );
        const session = driver.list().find((s) => s.key === 'nla/windows')!;
        expect(
          sessionHealth(session, group, { ...facts, now: seen.readingSince + LOGIN_AFTER_MS })?.state,
        ).toBe(reading);
      } finally {
        await shown.stop();
      }
    }
    await driver.close('nla/windows');
  });

  it('takes a wrong password the host answers by closing NLA as a logon failure after one more try', async () => {
    const shadow = await server(startShadowServer());
    const { driver, secrets, connects } = track(setup());
    secrets.values.set('host-password:test', 'not-the-password');
    // FreeRDP's shadow server closes the connection without a CredSSP error code, as a dropped
    // network would: the first time is not taken as a wrong password.
    const first = await driver.open(spec('nla/bad', shadow.port));
    expect(first).toMatchObject({ ok: false, error: { kind: 'logon-unconfirmed' } });
    expect(driver.list()[0]?.state).toBe('failed');

    const second = await driver.open(spec('nla/bad', shadow.port));
    expect(second).toMatchObject({ ok: false, error: { kind: 'logon-failure' } });
    const third = await driver.open(spec('nla/bad', shadow.port));
    expect(third).toMatchObject({ ok: false, error: { kind: 'logon-failure' } });
    expect(connects()).toBe(2); // after that, the same password is never sent again

    secrets.values.set('host-password:test', TEST_PASSWORD);
    const fixed = await driver.open(spec('nla/bad', shadow.port));
    expect(fixed.ok).toBe(true);
    expect(connects()).toBe(3);
  });

  it('comes back by itself after the server is killed and restarted', async () => {
    const shadow = await server(startShadowServer());
    const { driver, changes } = track(setup());
    expect((await driver.open(spec('nla/restart', shadow.port))).ok).toBe(true);
    await shadow.kill();
    await eventually(() => changes.find((c) => c.state === 'reconnecting'), 'reconnecting');
    await shadow.start();
    const back = await eventually(
      () => driver.list().find((s) => s.state === 'open' && s.reconnects === 1),
      'reconnected',
    );
    expect(back.error).toBeUndefined();
    expect(changes.map((c) => c.state)).toContain('reconnecting');
  });

  it('refuses a different certificate on the same address', async () => {
    const shadow = await server(startShadowServer());
    const { driver } = track(setup());
    const first = await driver.open(spec('nla/cert', shadow.port));
    expect(first.ok).toBe(true);
    const pinned = first.ok ? first.pinnedCertificate : undefined;
    expect(pinned).toBeDefined();
    await shadow.kill();
    await shadow.start(`${shadow.configDir}-other`); // a new config dir: a newly generated certificate

    const failed = await eventually(() => driver.list().find((s) => s.state === 'failed'), 'refusal');
    expect(failed.error?.kind).toBe('certificate-changed');
    // The presented certificate is a field of the error, not words to parse.
    expect(failed.error?.presentedFingerprint).toMatch(/^[0-9a-f]{64}$/);
    expect(failed.error?.presentedFingerprint).not.toBe(pinned);

    const { driver: fresh } = track(setup());
    const refused = await fresh.open(spec('nla/cert2', shadow.port, { certificate: pinned! }));
    expect(refused).toMatchObject({
      ok: false,
      error: { kind: 'certificate-changed', presentedFingerprint: failed.error?.presentedFingerprint },
    });
  });

  it('keeps one session untouched when the other session’s server dies', async () => {
    const [a, b] = await Promise.all([server(startShadowServer()), server(startShadowServer())]);
    const { driver, changes } = track(
      setup({ backoff: { initialMs: 60_000, maxMs: 60_000, factor: 1, jitter: 0 } }),
    );
    const [ra, rb] = await Promise.all([
      driver.open(spec('two/a', a.port)),
      driver.open(spec('two/b', b.port)),
    ]);
    expect(ra.ok && rb.ok).toBe(true);
    const updatesBefore = driver.framebufferInfo('two/b')!.updates;
    await a.kill();
    await eventually(
      () => driver.list().find((s) => s.key === 'two/a' && s.state === 'reconnecting'),
      'a dropped',
    );
    expect(driver.list().find((s) => s.key === 'two/b')?.state).toBe('open');
    expect(changes.filter((c) => c.key === 'two/b').map((c) => c.state)).toEqual(['connecting', 'open']);
    // b still draws: move something on its screen and see the update arrive.
    b.runOnDisplay('xterm', ['-geometry', '40x10+10+10']);
    await eventually(() => driver.framebufferInfo('two/b')!.updates > updatesBefore, 'b frames');
  });
});

describe('RDP driver against xrdp (TLS only)', { timeout: 90_000 }, () => {
  let xrdp: XrdpServer;
  beforeAll(async () => {
    xrdp = await startXrdp();
  });
  afterAll(async () => {
    await xrdp?.stop();
  });

  it('logs on without the login screen at the requested resolution', async () => {
    const { driver } = track(setup());
    const result = await driver.open(spec('xrdp/ok', xrdp.port, { width: 1280, height: 800 }));
    expect(result).toMatchObject({ ok: true, status: { state: 'open', width: 1280, height: 800 } });
    const info = await eventually(() => {
      const fb = driver.framebufferInfo('xrdp/ok');
      return fb && fb.updates > 0 ? fb : undefined;
    }, 'frames');
    expect([info.width, info.height]).toEqual([1280, 800]);
    // The desktop at the size asked for: a usable screen.
    expect(await eventually(() => driver.list()[0]?.screen, 'the screen')).toMatchObject({
      width: 1280,
      height: 800,
      reading: 'desktop',
    });
    await eventually(() => xrdp.log().includes(`login successful for user ${TEST_USER}`), 'xrdp login log');
    await driver.close('xrdp/ok');
  });

  it('finds the same desktop again when a closed session is opened again (as after a hibernation)', async () => {
    // Session Manager closes a host's sessions before it stops or hibernates it; the server keeps the
    // user's logged-on session, and opening one again as the same user reconnects to it.
    const programs = () => {
      try {
        return execFileSync('pgrep', ['-u', TEST_USER, '-x', 'xterm'], { encoding: 'utf8' })
          .trim()
          .split('\n')
          .filter(Boolean)
          .sort();
      } catch {
        return [];
      }
    };
    const { driver } = track(setup());
    const frames = async (key: string) =>
      eventually(() => (driver.framebufferInfo(key)?.updates ?? 0) > 0 || undefined, `frames of ${key}`);
    expect(await driver.open(spec('xrdp/resume', xrdp.port))).toMatchObject({ ok: true });
    await frames('xrdp/resume');
    const before = await eventually(() => (programs().length > 0 ? programs() : undefined), 'the xterm');
    await driver.close('xrdp/resume');
    expect(programs()).toEqual(before);
    expect(await driver.open(spec('xrdp/resume', xrdp.port))).toMatchObject({ ok: true });
    await frames('xrdp/resume');
    expect(programs()).toEqual(before);
    await driver.close('xrdp/resume');
  });

  it('takes xrdp showing its login window after a wrong password as a logon failure, not a session', async () => {
    const { driver, secrets } = track(setup());
    secrets.values.set('host-password:test', 'not-the-password');
    const result = await driver.open(spec('xrdp/bad', xrdp.port));
    expect(result).toMatchObject({ ok: false, error: { kind: 'logon-failure' } });
    expect(result.ok || result.error.message).toContain('login window');
    expect(driver.list()[0]?.state).toBe('failed');
    await eventually(() => xrdp.log().includes(`login failed for user ${TEST_USER}`), 'xrdp sesman log');
  });
});
