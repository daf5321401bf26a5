import { describe, expect, it } from 'vitest';
import type { SessionGroup } from '../../../src-main/core/fleet.js';
import { emptyMemory, workingCopy } from '../../../src-main/core/memory.js';
import { fleetOf } from '../../../src-main/core/fleet.js';
import { computeDemand } from '../../../src-main/core/demand.js';
import {
  BLANK_AFTER_MS,
  FROZEN_AFTER_MS,
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
    screen: { width: 1280, height: 800, reading: 'desktop', changedAt: T0 - 10_000, ...screen },
  };
}

const healthy = { running: [], online: new Set(['fin-01']), lastOnlineAt: () => T0, now: T0 };

describe('session health', () => {
  it.each([
    ['a desktop at the configured size, runner online', {}, healthy, 'ok'],
    ['a login or lock window', { reading: 'login-screen' as const }, healthy, 'login-screen'],
    [
      'a uniform screen for longer than the threshold',
      { reading: 'blank' as const, changedAt: T0 - BLANK_AFTER_MS },
      healthy,
      'blank',
    ],
    [
      'a uniform screen just drawn: not yet',
      { reading: 'blank' as const, changedAt: T0 - 5_000 },
      healthy,
      'ok',
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
});
