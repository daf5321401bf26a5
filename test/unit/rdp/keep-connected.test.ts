import { describe, expect, it } from 'vitest';
import type { SessionSpec, SessionStatus } from '../../../src-main/core/session-driver.js';
import type { Timers } from '../../../src-main/drivers/session/rdp/backoff.js';
import { Framebuffer } from '../../../src-main/drivers/session/rdp/framebuffer.js';
import type { ConnectParams, RdpConnection } from '../../../src-main/drivers/session/rdp/rdp-connection.js';
import { RdpSessionDriver } from '../../../src-main/drivers/session/rdp/rdp-session-driver.js';
import { SessionFailure } from '../../../src-main/drivers/session/rdp/session-errors.js';
import type { SecretStore } from '../../../src-main/secrets/secret-store.js';

/** Timers that fire only when the test says so. */
class ManualTimers implements Timers {
  pending: { id: number; ms: number; callback: () => void }[] = [];
  private next = 1;
  setTimeout(callback: () => void, ms: number) {
    const id = this.next++;
    this.pending.push({ id, ms, callback });
    return id;
  }
  clearTimeout(handle: unknown) {
    this.pending = this.pending.filter((timer) => timer.id !== handle);
  }
  async fire(): Promise<number> {
    const timer = this.pending.shift();
    if (!timer) throw new Error('no timer pending');
    timer.callback();
    await new Promise((resolve) => setImmediate(resolve));
    return timer.ms;
  }
}

class FakeConnection implements RdpConnection {
  readonly framebuffer = new Framebuffer(16, 9);
  readonly security = 'nla' as const;
  readonly logon = 'nla' as const;
  readonly ended: Promise<SessionFailure | undefined>;
  closed = false;
  private finish!: (failure: SessionFailure | undefined) => void;
  constructor(
    readonly fingerprint: string,
    readonly firstUse: boolean,
  ) {
    this.ended = new Promise((resolve) => (this.finish = resolve));
  }
  drop(failure: SessionFailure) {
    this.finish(failure);
  }
  close() {
    this.closed = true;
    this.finish(undefined);
    return Promise.resolve();
  }
}

/** A host: answers each connect with the next planned outcome (default: success). */
class FakeHost {
  plan: (SessionFailure | 'ok')[] = [];
  calls: ConnectParams[] = [];
  connections: FakeConnection[] = [];
  connect = (params: ConnectParams): Promise<RdpConnection> => {
    this.calls.push(params);
    const outcome = this.plan.shift() ?? 'ok';
    if (outcome !== 'ok') return Promise.reject(outcome);
    const connection = new FakeConnection('ab'.repeat(32), params.pinnedCertificate === undefined);
    this.connections.push(connection);
    return Promise.resolve(connection);
  };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

function harness() {
  const secrets = new Map<string, string>([['host-password:h', 'pw-1']]);
  const store: SecretStore = {
    get: (ref) => Promise.resolve(secrets.get(ref)),
    set: (ref, value) => Promise.resolve(void secrets.set(ref, value)),
    delete: (ref) => Promise.resolve(void secrets.delete(ref)),
  };
  const host = new FakeHost();
  const timers = new ManualTimers();
  let now = 1_000;
  const driver = new RdpSessionDriver({
    secrets: store,
    connect: host.connect,
    timers,
    now: () => now++,
    random: () => 0.5,
    options: {
      backoff: { initialMs: 1_000, maxMs: 8_000, factor: 2, jitter: 0.2 },
      operatorBackoffMs: 900_000,
    },
  });
  const changes: SessionStatus[] = [];
  driver.onChange((status) => changes.push(status));
  return { secrets, host, timers, driver, changes };
}

const spec = (key = 'h/bot', extra: Partial<SessionSpec> = {}): SessionSpec => ({
  key,
  hostId: 'h',
  host: '10.0.0.5',
  port: 3389,
  user: 'bot',
  passwordRef: 'host-password:h',
  width: 1920,
  height: 1080,
  ...extra,
});

describe('RdpSessionDriver keeps sessions connected', () => {
  it('opens once, pins on first use and finds the open session again', async () => {
    const { driver, host } = harness();
    const first = await driver.open(spec());
    expect(first).toMatchObject({ ok: true, pinnedCertificate: 'ab'.repeat(32), status: { state: 'open' } });
    expect(host.calls[0]).toMatchObject({ user: 'bot', password: 'pw-1', width: 1920, height: 1080 });
    const again = await driver.open(spec());
    expect(again.ok && again.pinnedCertificate).toBeFalsy();
    expect(host.calls).toHaveLength(1);
    expect(driver.list()).toHaveLength(1);
  });

  it('reconnects a dropped connection with growing back-off, then reports it restored', async () => {
    const { driver, host, timers, changes } = harness();
    await driver.open(spec());
    host.plan = [new SessionFailure('unreachable', 'refused'), new SessionFailure('unreachable', 'refused')];
    host.connections[0]!.drop(new SessionFailure('unreachable', 'connection lost'));
    await settle();
    expect(driver.list()[0]).toMatchObject({ state: 'reconnecting', error: { kind: 'unreachable' } });
    expect(await timers.fire()).toBe(1_000);
    expect(await timers.fire()).toBe(2_000);
    expect(await timers.fire()).toBe(4_000);
    expect(driver.list()[0]).toMatchObject({ state: 'open', reconnects: 1 });
    expect(driver.list()[0]!.error).toBeUndefined();
    expect(host.calls.at(-1)?.pinnedCertificate).toBe('ab'.repeat(32)); // the pin is kept across reconnects
    expect(changes.map((c) => c.state)).toEqual([
      'connecting',
      'open',
      'reconnecting',
      'reconnecting',
      'reconnecting',
      'open',
      'open',
    ]);
  });

  it('does not fight a takeover: waits the long operator back-off and says why', async () => {
    const { driver, host, timers } = harness();
    await driver.open(spec());
    host.connections[0]!.drop(new SessionFailure('taken-over', 'another connection took the session over'));
    await settle();
    expect(driver.list()[0]).toMatchObject({ state: 'reconnecting', error: { kind: 'taken-over' } });
    expect(timers.pending.map((t) => t.ms)).toEqual([900_000]);
  });

  it('stops after an authentication failure and never sends the same password again', async () => {
    const { driver, host, timers, secrets } = harness();
    await driver.open(spec());
    host.plan = [new SessionFailure('account-locked', 'locked')];
    host.connections[0]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    await timers.fire();
    expect(driver.list()[0]).toMatchObject({ state: 'failed', error: { kind: 'account-locked' } });
    expect(timers.pending).toEqual([]);
    const retry = await driver.open(spec());
    expect(retry).toMatchObject({ ok: false, error: { kind: 'account-locked' } });
    expect(host.calls).toHaveLength(2);
    secrets.set('host-password:h', 'pw-2');
    expect((await driver.open(spec())).ok).toBe(true);
    expect(host.calls).toHaveLength(3);
  });

  it('a logon ended without a reason is tried once more after a long wait, then taken as a wrong password', async () => {
    const { driver, host, timers, secrets } = harness();
    await driver.open(spec());
    const unconfirmed = () => new SessionFailure('logon-unconfirmed', 'closed during NLA');
    host.plan = [unconfirmed(), unconfirmed()];
    host.connections[0]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    await timers.fire(); // the reconnect after the drop: NLA ends without a reason
    expect(driver.list()[0]).toMatchObject({ state: 'reconnecting', error: { kind: 'logon-unconfirmed' } });
    expect(timers.pending.map((t) => t.ms)).toEqual([5 * 60_000]);
    await timers.fire(); // the one more try: the same again
    expect(driver.list()[0]).toMatchObject({ state: 'failed', error: { kind: 'logon-failure' } });
    expect(timers.pending).toEqual([]);
    expect(await driver.open(spec())).toMatchObject({ ok: false, error: { kind: 'logon-failure' } });
    expect(host.calls).toHaveLength(3); // that password is not sent a fourth time
    secrets.set('host-password:h', 'pw-2');
    expect((await driver.open(spec())).ok).toBe(true);
  });

  it('a logon ended without a reason, then a good one, starts the count again', async () => {
    const { driver, host, timers } = harness();
    await driver.open(spec());
    host.plan = [new SessionFailure('logon-unconfirmed', 'closed during NLA'), 'ok'];
    host.connections[0]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    await timers.fire();
    await timers.fire();
    expect(driver.list()[0]).toMatchObject({ state: 'open', reconnects: 1 });
    host.plan = [new SessionFailure('logon-unconfirmed', 'closed during NLA')];
    host.connections[1]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    await timers.fire();
    expect(driver.list()[0]).toMatchObject({ state: 'reconnecting', error: { kind: 'logon-unconfirmed' } });
  });

  it('refuses a changed certificate for good, until the operator trusts it', async () => {
    const { driver, host, timers } = harness();
    await driver.open(spec());
    host.plan = [new SessionFailure('certificate-changed', 'changed')];
    host.connections[0]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    await timers.fire();
    expect(driver.list()[0]).toMatchObject({ state: 'failed', error: { kind: 'certificate-changed' } });
    expect(timers.pending).toEqual([]);
    expect((await driver.open(spec('h/bot', { certificate: 'cd'.repeat(32) }))).ok).toBe(true);
    expect(host.calls.at(-1)?.pinnedCertificate).toBe('cd'.repeat(32));
  });

  it('names a missing password without connecting', async () => {
    const { driver, host } = harness();
    const result = await driver.open(spec('h/other', { passwordRef: 'host-password:none' }));
    expect(result).toMatchObject({ ok: false, error: { kind: 'missing-secret' } });
    expect(host.calls).toHaveLength(0);
  });

  it('close cancels a pending reconnect and is idempotent; sessions stay independent', async () => {
    const { driver, host, timers } = harness();
    await driver.open(spec('h/a'));
    await driver.open(spec('h/b'));
    host.connections[0]!.drop(new SessionFailure('unreachable', 'lost'));
    await settle();
    expect(driver.list().map((s) => [s.key, s.state])).toEqual([
      ['h/a', 'reconnecting'],
      ['h/b', 'open'],
    ]);
    await driver.close('h/a');
    await driver.close('h/a');
    expect(timers.pending).toEqual([]);
    expect(driver.list().map((s) => s.key)).toEqual(['h/b']);
    await driver.dispose();
    expect(host.connections[1]!.closed).toBe(true);
    expect(driver.list()).toEqual([]);
  });

  it('makes no thumbnail before the first frame or for an unknown session', async () => {
    const { driver, host } = harness();
    await driver.open(spec());
    expect(await driver.thumbnail('h/bot', 100)).toBeUndefined();
    host.connections[0]!.framebuffer.draw(new Uint8ClampedArray(16 * 9 * 4), 16, 0, 0, 0, 0, 16, 9);
    expect(await driver.thumbnail('h/bot', 8)).toBeInstanceOf(Uint8Array);
    expect(await driver.thumbnail('nope', 8)).toBeUndefined();
  });
});
