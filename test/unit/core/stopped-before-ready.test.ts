import { describe, expect, it } from 'vitest';
import { host, makeConfig, power, queue, runner, Scenario, task } from './world.js';

/**
 * Found by the service benchmark (1,000 console-mode hosts whose work was withdrawn during boot): a host
 * that Session Manager stopped before it was ever ready, and that the next observation already sees
 * off, must count as off, not as "a start still pending". Otherwise it holds a place in the budget,
 * shows as powering on, and after the boot timeout collects "still off after the start request"
 * attempts until it is marked failed.
 */
describe('a host stopped before it was ready', () => {
  const config = makeConfig({
    hosts: [host('bot-01')],
    runners: [runner('fin-01', 'bot-01', { sessionMode: 'console' })],
    policy: {
      idleGraceMinutes: 0.05,
      minUptimeMinutes: 0,
      drainObservations: 2,
      bootTimeoutMinutes: 5,
      maxStartAttempts: 2,
    },
  });

  it('is off once the cloud says off after our stop, and stays off without failing', () => {
    const scenario = new Scenario(config);
    // Work arrives; the host starts but never answers RDP and its runner never comes online.
    expect(
      scenario
        .tick({ queue: queue([task({ runnerId: 'fin-01' })]), power: power({ 'bot-01': 'off' }) }, 2_000)
        .actions.map((a) => a.kind),
    ).toContain('powerOn');
    // The work is withdrawn; the host, on, drains and is stopped.
    let stopped = false;
    for (let i = 0; i < 10 && !stopped; i++)
      stopped = scenario
        .tick({ power: power({ 'bot-01': 'on' }) }, 2_000)
        .actions.some((a) => a.kind === 'powerOff');
    expect(stopped).toBe(true);

    // The stop was quick: from now on the cloud says off. Watch well past the boot timeout.
    const seen = new Set<string>();
    for (let i = 0; i < 400; i++) {
      const result = scenario.tick({ power: power({ 'bot-01': 'off' }) }, 2_000);
      const view = result.view.hosts.find((h) => h.id === 'bot-01')!;
      seen.add(`${view.stage}${view.failed ? ' failed' : ''} hostsOn=${result.view.hostsOn}`);
      for (const action of result.actions) if (action.kind !== 'note') seen.add(action.kind);
    }
    expect([...seen]).toEqual(['off hostsOn=0']);
    // New work starts it again at once: no back-off left over from a start that was never late.
    const again = scenario.tick({
      queue: queue([task({ runnerId: 'fin-01' })]),
      power: power({ 'bot-01': 'off' }),
    });
    expect(again.actions.map((a) => a.kind)).toContain('powerOn');
  });
});
