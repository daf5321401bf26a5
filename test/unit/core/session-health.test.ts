import { describe, expect, it } from 'vitest';
import type { SessionGroup } from '../../../src-main/core/fleet.js';
import { emptyMemory, workingCopy } from '../../../src-main/core/memory.js';
import { fleetOf } from '../../../src-main/core/fleet.js';
import { computeDemand } from '../../../src-main/core/demand.js';
import {
  BLANK_AFTER_MS,
  FROZEN_AFTER_MS,
  LOGIN_AFTER_MS,
  RUNNER_OFFLINE_AFTER_MS,
  sessionHealth,
  watchSessionHealth,
} from '../../../src-main/core/policies/session-health.js';
import type { ScreenFacts, SessionStatus } from '../../../src-main/core/session-driver.js';
import { host, makeConfig, MIN, openSession, runner, T0, task } from './world.js';

const group: SessionGroup = {
  key: 'bot-01/bot',
  hostId: 'bot-01',
  user: 'bot',
  passwordRef: 'host-password:bot-01',
  width: 1280,
  height: 800,
  runnerIds: ['fin-01'],
  credentials: 'x',
};

function withScreen(screen: Partial<ScreenFacts>, at = T0 - 10 * MIN): SessionStatus {
  return {
    ...openSession('bot-01', 'bot', at),
    screen: {
      width: 1280,
      height: 800,
      reading: 'desktop',
      changedAt: T0 - 10_000,
      readingSince: T0 - 10 * MIN,
      ...screen,
    },
  };
}

const healthy = { running: [], online: new Set(['fin-01']), lastOnlineAt: () => T0, now: T0 };

describe('session health', () => {
  it.each([
    ['a desktop at the configured size, runner online', {}, healthy, 'ok'],
    ['a login window', { reading: 'login-screen' as const }, healthy, 'login-screen'],
    ["Windows' lock screen", { reading: 'lock-screen' as const }, healthy, 'lock-screen'],
    [
      'a login window shown only a moment (a logon going on): not known yet',
      { reading: 'login-screen' as const, readingSince: T0 - LOGIN_AFTER_MS + 1_000 },
      healthy,
      undefined,
    ],
    [
      'a uniform screen for longer than the threshold',
      { reading: 'blank' as const, changedAt: T0 - BLANK_AFTER_MS },
      healthy,
      'blank',
    ],
    [
      'a uniform screen just drawn: not known yet',
      { reading: 'blank' as const, changedAt: T0 - 5_000 },
      healthy,
      undefined,
    ],
    ['a screen of another size than configured', { width: 1024, height: 768 }, healthy, 'wrong-size'],
    [
      'an unchanged screen while a task runs',
      { changedAt: T0 - FROZEN_AFTER_MS },
      { ...healthy, running: ['fin-01'] },
      'frozen',
    ],
    [
      'an unchanged screen with nothing running is just idle',
      { changedAt: T0 - FROZEN_AFTER_MS },
      healthy,
      'ok',
    ],
    [
      'its runner offline since the session opened',
      {},
      { ...healthy, online: new Set<string>(), lastOnlineAt: () => undefined },
      'runner-offline',
    ],
  ])('%s → %s', (_, screen, facts, state) => {
    expect(sessionHealth(withScreen(screen), group, facts)?.state).toBe(state);
  });

  it('says what to change, with the evidence', () => {
    expect(sessionHealth(withScreen({ width: 1024, height: 768 }), group, healthy)?.reason).toBe(
      'the screen is 1024×768, not the 1280×800 configured',
    );
    const offline = sessionHealth(withScreen({}, T0 - RUNNER_OFFLINE_AFTER_MS), group, {
      ...healthy,
      online: new Set<string>(),
      lastOnlineAt: () => undefined,
    });
    expect(offline?.reason).toBe(
      'runner fin-01 has been offline 5 min while its session is open: set the BotCity Runner to start at logon of bot',
    );
  });

  it('a runner offline only a moment ago, or a session not yet seen, is not a problem yet', () => {
    const justNow = { ...healthy, online: new Set<string>(), lastOnlineAt: () => T0 - MIN };
    expect(sessionHealth(withScreen({}), group, justNow)?.state).toBe('ok');
    expect(sessionHealth(openSession('bot-01'), group, healthy)).toBeUndefined();
  });

  it('says a change once as a warning, and the return to health once', () => {
    const config = makeConfig({ hosts: [host('bot-01')], runners: [runner('fin-01', 'bot-01')] });
    const fleet = fleetOf(config);
    const memory = workingCopy(emptyMemory(), fleet);
    const demand = computeDemand([task({ runnerId: 'fin-01', state: 'busy' })], {
      runners: fleet.runners,
      leadFor: () => 0,
      now: T0,
    });
    const key = [...fleet.groupByKey.values()][0]!;
    const small = { ...withScreen({ width: 800, height: 600 }), key: key.key };
    const watch = (session: SessionStatus) =>
      watchSessionHealth([session], fleet.groupByKey, demand, new Set(['fin-01']), memory, T0);
    const first = watch(small);
    expect(first).toMatchObject([{ event: 'session.unhealthy', severity: 'warning', sessionKey: key.key }]);
    expect(first[0]!.reason).toContain('(wrong-size): the screen is 800×600');
    expect(watch(small)).toEqual([]);
    expect(
      watch({ ...small, screen: { ...small.screen!, width: key.width, height: key.height } }),
    ).toMatchObject([{ event: 'session.healthy', severity: 'info' }]);
    expect(memory.sessions.get(key.key)?.health?.state).toBe('ok');
  });

  describe('repair', () => {
    const config = makeConfig({ hosts: [host('bot-01')], runners: [runner('fin-01', 'bot-01')] });
    const fleet = fleetOf(config);
    const group = [...fleet.groupByKey.values()][0]!;
    const demandOf = (running: boolean) =>
      computeDemand(running ? [task({ runnerId: 'fin-01', state: 'busy' })] : [], {
        runners: fleet.runners,
        leadFor: () => 0,
        now: T0,
      });
    const session = (screen: Partial<ScreenFacts>, connectedAt = T0 - 10 * MIN): SessionStatus => ({
      ...withScreen({ width: group.width, height: group.height, ...screen }, connectedAt),
      key: group.key,
    });
    const kindsOf = (actions: { kind: string; event?: string }[]) =>
      actions.map((action) => (action.event ? `${action.kind} ${action.event}` : action.kind));

    it('reconnects once at the configured size, then alerts once with what to change if it did not help', () => {
      const memory = workingCopy(emptyMemory(), fleet);
      const watch = (s: SessionStatus, now = T0) =>
        watchSessionHealth([s], fleet.groupByKey, demandOf(false), new Set(['fin-01']), memory, now);
      const small = session({ width: 800, height: 600 });
      const first = watch(small);
      expect(kindsOf(first)).toEqual(['note session.unhealthy', 'closeSession']);
      expect(first[1]).toMatchObject({
        kind: 'closeSession',
        forRepair: 'wrong-size',
        reason: `Reconnecting ${group.key} at ${group.width}×${group.height}: the screen is 800×600, not the ${group.width}×${group.height} configured`,
      });
      // Opened again, and still too small: the operator is told once what to change.
      const reopened = session({ width: 800, height: 600 }, T0 + 30_000);
      const second = watch(reopened, T0 + 45_000);
      expect(kindsOf(second)).toEqual(['alert session.repair-failed']);
      expect(second[0]).toMatchObject({ severity: 'warning' });
      expect((second[0] as { reason: string }).reason).toContain("make the host's display match");
      expect(watch(reopened, T0 + 60_000)).toEqual([]);
    });

    it('waits for a running task on a usable screen, but not on a login window', () => {
      const memory = workingCopy(emptyMemory(), fleet);
      const busy = demandOf(true);
      const small = watchSessionHealth(
        [session({ width: 800, height: 600 })],
        fleet.groupByKey,
        busy,
        new Set(['fin-01']),
        memory,
        T0,
      );
      expect(kindsOf(small)).toEqual(['note session.unhealthy']);
      const locked = watchSessionHealth(
        [session({ reading: 'login-screen' })],
        fleet.groupByKey,
        busy,
        new Set(['fin-01']),
        memory,
        T0 + 15_000,
      );
      expect(kindsOf(locked)).toEqual(['note session.unhealthy', 'closeSession']);
    });

    it('a login window back after the reconnect is the same spell: no return to health between, one alert', () => {
      const memory = workingCopy(emptyMemory(), fleet);
      const watch = (s: SessionStatus, now: number) =>
        watchSessionHealth([s], fleet.groupByKey, demandOf(false), new Set(['fin-01']), memory, now);
      const locked = session({ reading: 'lock-screen', readingSince: T0 - LOGIN_AFTER_MS });
      expect(kindsOf(watch(locked, T0))).toEqual(['note session.unhealthy', 'closeSession']);
      // Opened again at T0 + 10 s: the lock screen is back, but only a moment: nothing is said yet.
      const again = (now: number) =>
        watch(session({ reading: 'lock-screen', readingSince: T0 + 12_000 }, T0 + 10_000), now);
      expect(again(T0 + 15_000)).toEqual([]);
      expect(memory.sessions.get(group.key)?.health?.state).toBe('lock-screen');
      expect(kindsOf(again(T0 + 12_000 + LOGIN_AFTER_MS))).toEqual(['alert session.repair-failed']);
      expect(again(T0 + 60_000)).toEqual([]);
    });

    it('records how often the screen changes while a task runs (the busy signal), and forgets it after', () => {
      const memory = workingCopy(emptyMemory(), fleet);
      const look = (changedAt: number, now: number, running = true) =>
        watchSessionHealth(
          [session({ changedAt })],
          fleet.groupByKey,
          demandOf(running),
          new Set(['fin-01']),
          memory,
          now,
        );
      look(T0 - 5_000, T0);
      look(T0 + 10_000, T0 + 15_000); // changed
      look(T0 + 10_000, T0 + 30_000); // still
      look(T0 + 40_000, T0 + 45_000); // changed
      expect(memory.sessions.get(group.key)?.busy).toEqual({
        since: T0,
        looks: 4,
        changedLooks: 2,
        changedAt: T0 + 40_000,
      });
      look(T0 + 40_000, T0 + 60_000, false);
      expect(memory.sessions.get(group.key)?.busy).toBeUndefined();
    });

    it('a frozen screen or an offline runner is said, never repaired', () => {
      const memory = workingCopy(emptyMemory(), fleet);
      const frozen = watchSessionHealth(
        [session({ changedAt: T0 - FROZEN_AFTER_MS })],
        fleet.groupByKey,
        demandOf(true),
        new Set(['fin-01']),
        memory,
        T0,
      );
      expect(kindsOf(frozen)).toEqual(['note session.unhealthy']);
      expect(memory.sessions.get(group.key)?.health?.state).toBe('frozen');
    });
  });
});
