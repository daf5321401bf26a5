import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { emptyMemory } from '../../../src-main/core/memory.js';
import { plan } from '../../../src-main/core/plan/plan.js';
import type { PowerState } from '../../../src-main/core/power-driver.js';
import { simulatePolicy, type SimTick } from '../../../src-main/sim/simulate.js';
import type { Trace } from '../../../src-main/sim/trace.js';
import { host, makeConfig, queue, runner, snapshot, T0, task } from './world.js';

/**
 * Properties of `plan` over generated traces replayed by the simulator (small worlds so 10,000+
 * traces run in seconds). Each trace: 1-3 hosts, 1-4 runners, up to 8 tasks, 30 ticks of 15 s.
 */

const TICK = 15_000;
const TICKS = 30;

const policyArb = fc.record({
  idleGraceMinutes: fc.constantFrom(0, 0.5, 1, 2),
  minUptimeMinutes: fc.constantFrom(0, 1, 2),
  drainObservations: fc.integer({ min: 1, max: 3 }),
  maxHostsOn: fc.integer({ min: 0, max: 3 }),
  bootTimeoutMinutes: fc.constant(2),
  maxStartAttempts: fc.integer({ min: 1, max: 3 }),
  prewarm: fc.boolean(),
});

const traceArb: fc.Arbitrary<Trace> = fc
  .record({
    boots: fc.array(fc.integer({ min: 15, max: 90 }), { minLength: 1, maxLength: 3 }),
    extraRunner: fc.boolean(),
    tasks: fc.array(
      fc.record({
        runner: fc.nat(3),
        arriveAt: fc.integer({ min: 0, max: 6 * 60 }),
        durationS: fc.integer({ min: 10, max: 180 }),
        notBeforeS: fc.option(fc.integer({ min: 0, max: 180 }), { nil: undefined }),
        priority: fc.integer({ min: 0, max: 10 }),
      }),
      { maxLength: 8 },
    ),
  })
  .map(({ boots, extraRunner, tasks }) => {
    const hosts = boots.map((boot, i) => ({ id: `h${i}`, bootMs: boot * 1000 }));
    const runners = hosts.map((h, i) => ({ id: `r${i}`, host: h.id }));
    if (extraRunner) runners.push({ id: `r${runners.length}`, host: 'h0' });
    return {
      name: 'generated',
      description: 'generated',
      seed: 0,
      start: T0,
      durationMs: TICKS * TICK,
      hosts,
      runners,
      tasks: tasks.map((t, i) => ({
        id: `t${i}`,
        runner: runners[t.runner % runners.length]!.id,
        arriveAt: t.arriveAt * 1000,
        durationMs: t.durationS * 1000,
        ...(t.notBeforeS !== undefined ? { notBefore: (t.arriveAt + t.notBeforeS) * 1000 } : {}),
        priority: t.priority,
      })),
      schedules: [],
    };
  });

const incompleteArb = fc.uniqueArray(fc.integer({ min: 0, max: TICKS - 1 }), { maxLength: 8 });

function runningRunners(tick: SimTick): Set<string> {
  return new Set(tick.snapshot.queue.tasks.filter((t) => t.state === 'busy').map((t) => t.runnerId!));
}

describe('plan properties', () => {
  it('never interrupts a RUNNING task (3,000 traces)', () => {
    fc.assert(
      fc.property(traceArb, policyArb, incompleteArb, (trace, policy, incomplete) => {
        const outages = new Set(incomplete);
        const result = simulatePolicy(trace, {
          tickMs: TICK,
          policy,
          incomplete: (i) => outages.has(i),
          onTick: (tick) => {
            const running = runningRunners(tick);
            for (const action of tick.result.actions) {
              if (action.kind === 'powerOff' || action.kind === 'closeSession')
                for (const runnerId of action.runnerIds) expect(running.has(runnerId)).toBe(false);
            }
          },
        });
        expect(result.interruptions).toBe(0);
      }),
      { numRuns: 3_000 },
    );
  });

  it('no host stays on past its grace period without a reason (2,500 traces)', () => {
    fc.assert(
      fc.property(traceArb, policyArb, (trace, policy) => {
        const graceMs = policy.idleGraceMinutes * 60_000;
        const minUptimeMs = policy.minUptimeMinutes * 60_000;
        const idleSince = new Map<string, number>();
        const startedAt = new Map<string, number>();
        simulatePolicy(trace, {
          tickMs: TICK,
          policy,
          onTick: (tick) => {
            const state = tick.view();
            for (const view of state.hosts) {
              const busy = state.runners.some((r) => r.hostId === view.id && (r.queued > 0 || r.running > 0));
              const on = tick.power.get(view.id) === 'on';
              if (!on || busy) idleSince.delete(view.id);
              else if (!idleSince.has(view.id)) idleSince.set(view.id, tick.now);
              const since = idleSince.get(view.id);
              const stopping = tick.result.actions.some((a) => a.kind === 'powerOff' && a.hostId === view.id);
              if (since === undefined || stopping || view.failed) continue;
              // Always a reason in words while it stays on.
              expect(view.reason).toBeTruthy();
              const bound = Math.max(
                since + graceMs,
                since + (policy.drainObservations - 1) * TICK,
                (startedAt.get(view.id) ?? -Infinity) + minUptimeMs,
              );
              expect(tick.now).toBeLessThan(bound + 2 * TICK);
            }
            for (const action of tick.result.actions)
              if (action.kind === 'powerOn') startedAt.set(action.hostId, tick.now);
          },
        });
      }),
      { numRuns: 2_500 },
    );
  });

  it('never exceeds the budget cap (2,000 traces)', () => {
    fc.assert(
      fc.property(traceArb, policyArb, incompleteArb, (trace, policy, incomplete) => {
        const outages = new Set(incomplete);
        simulatePolicy(trace, {
          tickMs: TICK,
          policy,
          incomplete: (i) => outages.has(i),
          onTick: (tick) => {
            const up = [...tick.power.values()].filter((s) => s === 'on' || s === 'starting').length;
            const starts = tick.result.actions.filter((a) => a.kind === 'powerOn').length;
            expect(up + starts).toBeLessThanOrEqual(Math.max(policy.maxHostsOn, up));
            if (starts > 0) expect(up + starts).toBeLessThanOrEqual(policy.maxHostsOn);
          },
        });
      }),
      { numRuns: 2_000 },
    );
  });

  it('an incomplete observation produces no power-off and no close (1,500 traces)', () => {
    fc.assert(
      fc.property(traceArb, policyArb, incompleteArb, (trace, policy, incomplete) => {
        const outages = new Set(incomplete);
        simulatePolicy(trace, {
          tickMs: TICK,
          policy,
          incomplete: (i) => outages.has(i),
          onTick: (tick) => {
            if (tick.snapshot.queue.complete) return;
            const destructive = tick.result.actions.filter(
              (a) =>
                a.kind === 'powerOff' ||
                a.kind === 'closeSession' ||
                a.kind === 'powerOn' ||
                a.kind === 'openSession',
            );
            expect(destructive).toEqual([]);
          },
        });
      }),
      { numRuns: 1_500 },
    );
  });

  it('the same inputs always give the same plan, and memory is not mutated (1,000 traces)', () => {
    fc.assert(
      fc.property(traceArb, policyArb, incompleteArb, (trace, policy, incomplete) => {
        const outages = new Set(incomplete);
        simulatePolicy(trace, {
          tickMs: TICK,
          policy,
          incomplete: (i) => outages.has(i),
          onTick: (tick) => {
            const before = structuredClone(tick.memoryBefore);
            const again = plan(tick.snapshot, tick.config, tick.memoryBefore, tick.now);
            expect(again).toEqual(tick.result);
            expect(tick.memoryBefore).toEqual(before);
          },
        });
      }),
      { numRuns: 1_000 },
    );
  });

  it('a host whose power state is unknown gets no action (1,000 snapshots)', () => {
    const config = makeConfig({
      hosts: [host('a'), host('b')],
      runners: [runner('ra', 'a'), runner('rb', 'b')],
    });
    const stateArb = fc.constantFrom<PowerState>('on', 'off', 'starting', 'stopping', 'unknown');
    fc.assert(
      fc.property(
        stateArb,
        fc.boolean(),
        fc.boolean(),
        fc.nat(3),
        (bState, queuedA, runningA, drainCount) => {
          const tasks = [
            ...(queuedA ? [task({ runnerId: 'ra' })] : []),
            ...(runningA ? [task({ runnerId: 'ra', state: 'busy' })] : []),
          ];
          const memory = {
            ...emptyMemory(),
            hosts: new Map([['a', { attempts: 0, drainCount, drainSince: T0 - 3_600_000 }]]),
          };
          const power = new Map([
            ['a', { hostId: 'a', state: 'unknown' as const, managed: true }],
            ['b', { hostId: 'b', state: bState, managed: true }],
          ]);
          const result = plan(
            snapshot({ queue: queue(tasks), power, readiness: new Map([['a', true]]) }),
            config,
            memory,
            T0,
          );
          expect(result.actions.filter((a) => 'hostId' in a && a.hostId === 'a')).toEqual([]);
        },
      ),
      { numRuns: 1_000 },
    );
  });
});
