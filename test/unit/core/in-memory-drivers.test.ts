import { PNG } from 'pngjs';
import { describe, expect, it } from 'vitest';
import { InMemoryPowerDriver } from '../../fakes/in-memory-power.js';
import { InMemorySessionDriver } from '../../fakes/in-memory-sessions.js';
import { FakeClock } from './loop-fakes.js';
import { host, makeConfig, runner } from './world.js';

const config = makeConfig({
  hosts: [host('a'), host('b', { powerOffUnmanaged: true })],
  runners: [runner('ra', 'a')],
});
const [a, b] = config.hosts as [(typeof config.hosts)[0], (typeof config.hosts)[0]];

describe('InMemoryPowerDriver', () => {
  it('boots and stops after the delays of the fake clock, idempotently', async () => {
    const clock = new FakeClock();
    const power = new InMemoryPowerDriver({
      now: () => clock.now(),
      bootDelayMs: 60_000,
      stopDelayMs: 20_000,
    });
    expect((await power.observe([a])).hosts.get('a')).toEqual({ hostId: 'a', state: 'off', managed: false });
    expect(await power.start(a)).toEqual({ ok: true });
    expect(await power.start(a)).toEqual({ ok: true, detail: 'already on' });
    expect(power.stateOf('a')).toBe('starting');
    clock.advance(60_000);
    expect((await power.observe([a])).hosts.get('a')).toMatchObject({ state: 'on', managed: true });
    expect(await power.stop(a)).toEqual({ ok: true });
    clock.advance(20_000);
    expect(power.stateOf('a')).toBe('off');
    expect(await power.stop(a)).toEqual({ ok: true, detail: 'already off' });
    expect(power.calls.map((c) => c.op)).toEqual(['observe', 'start', 'start', 'observe', 'stop', 'stop']);
  });

  it('refuses to stop an unmanaged host unless the host opts in', async () => {
    const clock = new FakeClock();
    const power = new InMemoryPowerDriver({ now: () => clock.now() });
    power.seed('a', 'on', false);
    power.seed('b', 'on', false);
    expect(await power.stop(a)).toMatchObject({ ok: false, error: 'not-managed' });
    expect(await power.stop(b)).toEqual({ ok: true });
  });

  it('injects the next error, and reports gone hosts as not found', async () => {
    const clock = new FakeClock();
    const power = new InMemoryPowerDriver({ now: () => clock.now() });
    power.failNext('start', { error: 'throttled', message: 'RequestLimitExceeded', retryAfterMs: 5_000 });
    expect(await power.start(a)).toEqual({
      ok: false,
      error: 'throttled',
      message: 'RequestLimitExceeded',
      retryAfterMs: 5_000,
    });
    expect(await power.start(a)).toEqual({ ok: true });
    power.failNext('observe', new Error('network down'));
    await expect(power.observe([a])).rejects.toThrow('network down');
    power.seed('b', 'gone');
    expect(await power.start(b)).toMatchObject({ ok: false, error: 'not-found' });
  });
});

describe('InMemorySessionDriver', () => {
  const spec = {
    key: 'a/bot',
    hostId: 'a',
    host: 'a.example.com',
    port: 3389,
    user: 'bot',
    passwordRef: 'host-password:a',
    width: 1280,
    height: 720,
  };

  it('opens, lists, thumbnails and closes, reporting changes', async () => {
    const clock = new FakeClock();
    const sessions = new InMemorySessionDriver(() => clock.now());
    const changes: string[] = [];
    sessions.onChange((s) => changes.push(`${s.key}:${s.state}`));
    const opened = await sessions.open(spec);
    expect(opened).toMatchObject({
      ok: true,
      status: { key: 'a/bot', state: 'open', width: 1280, height: 720 },
    });
    expect(sessions.list()).toHaveLength(1);
    const png = PNG.sync.read(Buffer.from((await sessions.thumbnail('a/bot', 320))!));
    expect([png.width, png.height]).toEqual([320, 180]);
    await sessions.close('a/bot');
    await sessions.close('a/bot');
    expect(sessions.list()).toEqual([]);
    expect(await sessions.thumbnail('a/bot', 320)).toBeUndefined();
    expect(changes).toEqual(['a/bot:open', 'a/bot:closed']);
  });

  it('fails the next open with the injected error and keeps a failed status', async () => {
    const sessions = new InMemorySessionDriver(() => 0);
    sessions.failNextOpen({ kind: 'logon-failure', message: 'bad password' });
    expect(await sessions.open(spec)).toEqual({
      ok: false,
      error: { kind: 'logon-failure', message: 'bad password' },
    });
    expect(sessions.list()).toMatchObject([
      { key: 'a/bot', state: 'failed', error: { kind: 'logon-failure' } },
    ]);
    expect(await sessions.open(spec)).toMatchObject({ ok: true });
  });

  it('drop() simulates a drop the driver reports on its own', async () => {
    const sessions = new InMemorySessionDriver(() => 0);
    await sessions.open(spec);
    sessions.drop('a/bot', { kind: 'taken-over', message: 'another connection' });
    expect(sessions.list()[0]).toMatchObject({ state: 'failed', error: { kind: 'taken-over' } });
  });
});
