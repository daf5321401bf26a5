import { describe, expect, it } from 'vitest';
import { addScheduled, computeDemand } from '../../../src-main/core/demand.js';
import { MIN, T0, task } from './world.js';

const runners = [
  { id: 'a', host: 'h1', activities: ['invoices'] },
  { id: 'b', host: 'h2', activities: ['invoices', 'payroll'] },
  { id: 'c', host: 'h3', activities: [] },
];
const leads: Record<string, number> = { h1: 2 * MIN, h2: 10 * MIN, h3: 0 };
const input = { runners, leadFor: (hostId: string) => leads[hostId]!, now: T0 };

describe('computeDemand', () => {
  it.each([
    {
      name: 'assigned queued task',
      tasks: [task({ runnerId: 'c', createdAt: T0 - 5_000, priority: 7 })],
      expected: { c: { queued: 1, oldestQueuedAt: T0 - 5_000, maxPriority: 7 } },
    },
    {
      name: 'running task',
      tasks: [task({ runnerId: 'c', state: 'busy' })],
      expected: { c: { running: 1, queued: 0 } },
    },
    {
      name: 'activity task counts for every runner with it',
      tasks: [task({ activity: 'invoices' })],
      expected: { a: { queued: 1 }, b: { queued: 1 }, c: { queued: 0 } },
    },
    {
      name: 'activity of nobody',
      tasks: [task({ activity: 'hr' })],
      expected: { a: { queued: 0 }, b: { queued: 0 } },
    },
    {
      name: 'future notBefore: inside one host’s lead, outside the other’s',
      tasks: [task({ activity: 'invoices', notBefore: T0 + 5 * MIN })],
      expected: { a: { queued: 0, deferred: 1 }, b: { queued: 1, deferred: 0 } },
    },
    {
      name: 'a task assigned to a runner is not also counted by activity',
      tasks: [task({ runnerId: 'a', activity: 'payroll' })],
      expected: { a: { queued: 1 }, b: { queued: 0 } },
    },
    {
      name: 'oldest and highest priority over several tasks',
      tasks: [
        task({ runnerId: 'a', createdAt: T0 - 1_000, priority: 2 }),
        task({ activity: 'invoices', createdAt: T0 - 9_000, priority: 9 }),
        task({ runnerId: 'a', createdAt: T0 - 3_000, priority: 4 }),
      ],
      expected: { a: { queued: 3, oldestQueuedAt: T0 - 9_000, maxPriority: 9 } },
    },
  ])('$name', ({ tasks, expected }) => {
    const demand = computeDemand(tasks, input);
    for (const [runnerId, fields] of Object.entries(expected))
      expect(demand.byRunner.get(runnerId)).toMatchObject(fields);
  });

  it('counts each queued task once in the total', () => {
    const demand = computeDemand(
      [task({ activity: 'invoices' }), task({ runnerId: 'x' }), task({ runnerId: 'c', state: 'busy' })],
      input,
    );
    expect([demand.queuedTotal, demand.runningTotal]).toEqual([2, 1]);
  });

  it('marks a scheduled run within the host’s lead', () => {
    const demand = computeDemand([], input);
    addScheduled(
      demand,
      [
        { activity: 'payroll', at: T0 + 5 * MIN },
        { activity: 'x', runnerId: 'a', at: T0 + 5 * MIN },
        { activity: 'x', runnerId: 'a', at: T0 + MIN },
      ],
      input,
    );
    expect(demand.byRunner.get('b')!.scheduledAt).toBe(T0 + 5 * MIN);
    expect(demand.byRunner.get('a')!.scheduledAt).toBe(T0 + MIN);
    expect(demand.byRunner.get('c')!.scheduledAt).toBeUndefined();
  });
});
