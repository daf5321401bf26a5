import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../src-main/config/schema.js';
import { recordArrival } from '../../../src-main/core/forecast/arrival-log.js';
import { emptyMemory, memoryFromJson, memoryToJson, type PlanMemory } from '../../../src-main/core/memory.js';
import { plan } from '../../../src-main/core/plan/plan.js';
import { host, kinds, makeConfig, MIN, power, queue, runner, Scenario, snapshot, T0, task } from './world.js';

const HOUR = 60 * MIN;

function config(policy: ConfigInput['policy'] = {}) {
  return makeConfig({ hosts: [host('bot-01')], runners: [runner('int-01', 'bot-01')], policy });
}

/** A runner that had a task a few seconds after :00 in each of the last `hours` hours. */
function hourlyMemory(hours: number, now: number): PlanMemory {
  let log: readonly number[] = [];
  const top = Math.floor(now / HOUR) * HOUR;
  for (let h = 0; h < hours; h++) log = recordArrival(log, top - h * HOUR + 20_000, now);
  return { ...emptyMemory(), arrivals: new Map([['int-01', log]]) };
}

describe('learned pre-warm', () => {
  const at = T0 + 56 * MIN; // 4 min before the next :00, the default boot lead

  it('starts the host a boot lead before work its past expects, and says why', () => {
    const result = plan(
      snapshot({ power: power({ 'bot-01': 'off' }), now: at }),
      config(),
      hourlyMemory(6, at),
      at,
    );
    expect(kinds(result)).toEqual(['powerOn bot-01']);
    expect(result.actions[0]!.reason).toBe(
      'Starting bot-01: pre-warming: runner int-01 has had a task at about :00 on 6 of the last 6 hours (expected in 4 min)',
    );
  });

  it('the cost strategy asks for more evidence than balanced before it pays for a pre-warm', () => {
    const memory = hourlyMemory(6, at);
    const off = snapshot({ power: power({ 'bot-01': 'off' }), now: at });
    expect(kinds(plan(off, config({ strategy: 'balanced' }), memory, at))).toEqual(['powerOn bot-01']);
    expect(kinds(plan(off, config({ strategy: 'cost' }), memory, at))).toEqual([]);
  });

  it('does nothing with prewarm off, or too early', () => {
    const off = snapshot({ power: power({ 'bot-01': 'off' }), now: at });
    expect(kinds(plan(off, config({ prewarm: false }), hourlyMemory(6, at), at))).toEqual([]);
    const early = T0 + 40 * MIN;
    const offEarly = snapshot({ power: power({ 'bot-01': 'off' }), now: early });
    expect(kinds(plan(offEarly, config(), hourlyMemory(6, early), early))).toEqual([]);
  });

  it('keeps an idle host on when the expected work is nearer than a stop and a restart', () => {
    const memory = hourlyMemory(6, at);
    const result = plan(snapshot({ power: power({ 'bot-01': 'on' }), now: at }), config(), memory, at);
    expect(kinds(result)).toEqual([]);
    expect(result.outlook.hosts.get('bot-01')!.reason).toMatch(/^pre-warming: runner int-01 has had a task/);
  });

  it('learns arrivals from the queue and keeps them across a save and a restart', () => {
    const scenario = new Scenario(config());
    scenario.tick({ queue: queue([task({ runnerId: 'int-01', createdAt: T0 - 30_000 })]) });
    const saved = memoryFromJson(JSON.parse(JSON.stringify(memoryToJson(scenario.memory))));
    expect('memory' in saved && saved.memory.arrivals.get('int-01')).toEqual([
      Math.floor((T0 - 30_000) / MIN),
    ]);
  });
});

describe('break-even idle', () => {
  /** An idle host, its work gone 2 min ago, drained; its past gaps as given. */
  function idleMemory(gapMinutes: number[]): PlanMemory {
    const memory = emptyMemory();
    return {
      ...memory,
      hosts: new Map([
        [
          'bot-01',
          {
            attempts: 0,
            drainCount: 8,
            drainSince: T0 - 2 * MIN,
            startedAt: T0 - HOUR,
            readyAt: T0 - HOUR + 3 * MIN,
            bootLeadMs: 3 * MIN,
            unwantedSince: T0 - 2 * MIN,
            idleGaps: gapMinutes.map((m, i) => ({ at: T0 - (i + 1) * 86_400_000, ms: m * MIN })),
          },
        ],
      ]),
      runners: new Map([['int-01', { lastBusyAt: T0 - 2 * MIN }]]),
    };
  }
  const on = snapshot({ power: power({ 'bot-01': 'on' }) });

  it('stops at once when its work has come back later than a restart costs', () => {
    const result = plan(on, config(), idleMemory([50, 60, 70, 80, 90]), T0);
    expect(kinds(result)).toEqual(['powerOff bot-01']);
  });

  it('stays on when its work comes back sooner, and says when it would stop and why', () => {
    const result = plan(on, config(), idleMemory([3, 4, 5, 4, 3]), T0);
    expect(kinds(result)).toEqual([]);
    expect(result.outlook.hosts.get('bot-01')!.reason).toBe(
      'idle, draining (9 of 3 observations); stops in 3 min if it stays idle',
    );
  });

  it('the speed strategy holds through gaps that balanced stops for', () => {
    const gaps = [12, 15, 18, 14, 16];
    expect(kinds(plan(on, config({ strategy: 'balanced' }), idleMemory(gaps), T0))).toEqual([
      'powerOff bot-01',
    ]);
    expect(kinds(plan(on, config({ strategy: 'speed' }), idleMemory(gaps), T0))).toEqual([]);
  });

  it('an idle grace set by the operator replaces it', () => {
    const result = plan(on, config({ idleGraceMinutes: 30 }), idleMemory([50, 60, 70, 80, 90]), T0);
    expect(kinds(result)).toEqual([]);
  });

  it('learns how long the host takes to stop, for what a restart costs', () => {
    const scenario = new Scenario(config());
    scenario.memory = idleMemory([50, 60, 70, 80, 90]);
    expect(kinds(scenario.tick({ power: power({ 'bot-01': 'on' }) }))).toEqual(['powerOff bot-01']);
    // The next look folds in the accepted stop.
    scenario.tick({ power: power({ 'bot-01': 'stopping' }) }, 75_000);
    expect(scenario.memory.hosts.get('bot-01')!.stoppingAt).toBe(T0);
    scenario.tick({ power: power({ 'bot-01': 'off' }) });
    expect(scenario.memory.hosts.get('bot-01')).toMatchObject({ stopMs: 90_000, stoppingAt: undefined });
  });

  it('learns the gap when work comes back', () => {
    const scenario = new Scenario(config());
    const busy = queue([task({ runnerId: 'int-01' })]);
    scenario.tick({ power: power({ 'bot-01': 'on' }), queue: busy });
    scenario.tick({ power: power({ 'bot-01': 'on' }) }, 5 * MIN);
    scenario.tick({ power: power({ 'bot-01': 'on' }), queue: busy });
    expect(scenario.memory.hosts.get('bot-01')!.idleGaps).toEqual([{ at: T0 + 15_000, ms: 5 * MIN }]);
  });
});
