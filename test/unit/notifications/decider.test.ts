import { describe, expect, it } from 'vitest';
import type { ManagerEvent } from '../../../src-main/core/events.js';
import { decide, flush, nextFlushAt, type DeciderMemory } from '../../../src-main/notifications/decider.js';
import type { Notification } from '../../../src-main/notifications/notification.js';

const MIN = 60_000;
const options = { minIntervalMs: 5 * MIN, repeatAfterMs: 60 * MIN };
let nextId = 1;
const event = (kind: ManagerEvent['kind'], at: number, extra: Partial<ManagerEvent> = {}): ManagerEvent => ({
  id: nextId++,
  at,
  kind,
  severity: 'info',
  message: `${kind} at ${at}`,
  ...extra,
});

/** Runs events (and flushes, given as numbers) through the decider; returns what was notified, as `kind@time`. */
function run(steps: Array<ManagerEvent | number>): string[] {
  let memory: DeciderMemory = {};
  const sent: Notification[] = [];
  for (const step of steps) {
    const decision =
      typeof step === 'number' ? flush(memory, step, options) : decide(memory, step, step.at, options);
    memory = decision.memory;
    sent.push(...decision.notify);
  }
  return sent.map((n) => `${n.kind}@${n.at / MIN}${n.suppressed ? `+${n.suppressed}` : ''}`);
}

const host = { hostId: 'bot-01' };

describe('the notification decider', () => {
  it('notifies transitions, not repeats', () => {
    expect(
      run([
        event('host.started', 0, host),
        event('host.started', 10 * MIN, host),
        event('host.stopped', 20 * MIN, host),
        event('host.stopped', 30 * MIN, host),
      ]),
    ).toEqual(['host.started@0', 'host.stopped@20']);
  });

  it('ignores events that are not notifiable', () => {
    expect(
      run([event('host.starting', 0, host), event('session.opened', 0, host), event('info', 0)]),
    ).toEqual([]);
  });

  it('keeps subjects apart: two hosts each get their own transitions', () => {
    expect(
      run([event('host.started', 0, { hostId: 'a' }), event('host.started', 1 * MIN, { hostId: 'b' })]),
    ).toEqual(['host.started@0', 'host.started@1']);
  });

  it('does not announce good news for bad news nobody heard', () => {
    expect(
      run([
        event('session.restored', 0, host),
        event('orchestrator.restored', 0),
        event('host.stopped', 0, host),
      ]),
    ).toEqual([]);
  });

  it('drops a flap that ends where it began within the quiet interval', () => {
    expect(
      run([
        event('orchestrator.unreachable', 0),
        event('orchestrator.restored', 1 * MIN),
        event('orchestrator.unreachable', 2 * MIN),
        10 * MIN,
      ]),
    ).toEqual(['orchestrator.unreachable@0']);
  });

  it('sends the final state of a flap once the quiet interval has passed, counting what was held back', () => {
    const steps = [
      event('session.lost', 0, { ...host, runnerId: 'r1' }),
      event('session.restored', 1 * MIN, { ...host, runnerId: 'r1' }),
      event('session.lost', 2 * MIN, { ...host, runnerId: 'r1' }),
      event('session.restored', 3 * MIN, { ...host, runnerId: 'r1' }),
      4 * MIN, // too early
      5 * MIN,
    ];
    expect(run(steps)).toEqual(['session.lost@0', 'session.restored@3+2']);
  });

  it('tells when the next flush is due', () => {
    let memory: DeciderMemory = {};
    memory = decide(memory, event('host.started', 0, host), 0, options).memory;
    expect(nextFlushAt(memory, options)).toBeUndefined();
    memory = decide(memory, event('host.failed', 1 * MIN, host), 1 * MIN, options).memory;
    expect(nextFlushAt(memory, options)).toBe(5 * MIN);
  });

  it('names a session by the key the event carries', () => {
    let memory: DeciderMemory = {};
    const lost = decide(memory, event('session.lost', 0, { ...host, sessionKey: 'bot-01/bot' }), 0, options);
    memory = lost.memory;
    expect(lost.notify[0]?.subject).toBe('session:bot-01/bot');
  });

  it('repeats the budget cap only after the repeat interval', () => {
    expect(
      run([event('budget.reached', 0), event('budget.reached', 30 * MIN), event('budget.reached', 61 * MIN)]),
    ).toEqual(['budget.reached@0', 'budget.reached@61']);
  });

  it('gives each notification a title and the severity of its kind', () => {
    const decision = decide(
      {},
      event('host.failed', 0, { hostId: 'bot-07', message: 'start failed 4 times' }),
      0,
      options,
    );
    expect(decision.notify).toEqual([
      expect.objectContaining({
        title: 'Host bot-07 failed',
        severity: 'error',
        message: 'start failed 4 times',
        hostId: 'bot-07',
        subject: 'host:bot-07',
        suppressed: 0,
      }),
    ]);
  });

  it('is pure: the memory passed in is not changed', () => {
    const memory: DeciderMemory = Object.freeze({});
    decide(memory, event('host.started', 0, host), 0, options);
    expect(memory).toEqual({});
  });

  it('a capacity error: said at the first refusal, then at most once an hour per host while it lasts', () => {
    const capacity = (at: number, hostId = 'bot-01') =>
      event('action.failed', at, {
        hostId,
        severity: 'warning',
        data: { action: 'powerOn', error: 'capacity' },
      });
    expect(
      run([
        capacity(0),
        capacity(5 * MIN),
        capacity(30 * MIN),
        capacity(30 * MIN, 'bot-02'),
        capacity(61 * MIN),
        event('action.failed', 62 * MIN, { ...host, data: { action: 'powerOn', error: 'throttled' } }),
      ]),
    ).toEqual(['action.failed@0', 'action.failed@30', 'action.failed@61']);
  });
});
