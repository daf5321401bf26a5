import { describe, expect, it } from 'vitest';
import type { ConfigInput } from '../../../src-main/config/schema.js';
import { emptyMemory, memoryFromJson, memoryToJson } from '../../../src-main/core/memory.js';
import type { MonthSpend } from '../../../src-main/core/snapshot.js';
import { describeStatus } from '../../../src-main/cli/commands/status.js';
import { host, makeConfig, power, queue, runner, Scenario, T0, task } from './world.js';

const spend = (cost: number, vmHours = 0, month = '2026-01'): MonthSpend => ({
  month,
  vmHours,
  cost,
  unpricedHosts: 0,
});

function fleet(monthlyBudget: NonNullable<ConfigInput['policy']>['monthlyBudget']) {
  return makeConfig({
    hosts: [host('a'), host('b')],
    runners: [runner('ra', 'a'), runner('rb', 'b')],
    policy: { maxHostsOn: 10, ...(monthlyBudget && { monthlyBudget }) },
  });
}

const alerts = (actions: readonly { kind: string }[]) =>
  actions.flatMap((action) => (action.kind === 'alert' && 'event' in action ? [action.event] : []));
const started = (actions: readonly { kind: string; hostId?: string }[]) =>
  actions.filter((action) => action.kind === 'powerOn').map((action) => action.hostId);

describe('monthly budget', () => {
  const work = {
    queue: queue([task({ runnerId: 'ra', priority: 9 }), task({ runnerId: 'rb', priority: 3 })]),
  };

  it('warns once at 80 %, says once when it is spent, and again next month', () => {
    const scenario = new Scenario(fleet({ amount: 100, whenSpent: 'notify' }));
    const idle = { queue: queue([]), power: power({ a: 'off', b: 'off' }) };
    expect(alerts(scenario.tick({ ...idle, spend: spend(50) }).actions)).toEqual([]);
    expect(alerts(scenario.tick({ ...idle, spend: spend(81) }).actions)).toEqual(['budget.month-warning']);
    expect(alerts(scenario.tick({ ...idle, spend: spend(95) }).actions)).toEqual([]);
    const spent = scenario.tick({ ...idle, spend: spend(101) });
    expect(alerts(spent.actions)).toEqual(['budget.month-spent']);
    expect(spent.actions.find((a) => a.kind === 'alert')!.reason).toBe(
      'The monthly budget is spent: 101.00 of 100 USD in 2026-01; hosts still start as work comes (the budget is set to notify only).',
    );
    expect(alerts(scenario.tick({ ...idle, spend: spend(120) }).actions)).toEqual([]);
    expect(alerts(scenario.tick({ ...idle, spend: spend(85, 0, '2026-02') }).actions)).toEqual([
      'budget.month-warning',
    ]);
  });

  it('notify only: a spent budget still starts every host with work', () => {
    const scenario = new Scenario(fleet({ amount: 100, whenSpent: 'notify' }));
    const result = scenario.tick({ ...work, power: power({ a: 'off', b: 'off' }), spend: spend(150) });
    expect(started(result.actions)).toEqual(['a', 'b']);
    expect(result.view.monthlyBudget).toMatchObject({
      used: 150,
      amount: 100,
      fraction: 1.5,
      whenSpent: 'notify',
    });
    expect(result.view.monthlyBudget).not.toHaveProperty('holdingBelowPriority');
  });

  it('hold-starts: a spent budget starts hosts only for urgent queued tasks, and says why the others wait', () => {
    const scenario = new Scenario(
      fleet({ amount: 40, unit: 'vm-hours', whenSpent: 'hold-starts', minPriority: 8 }),
    );
    const below = scenario.tick({ ...work, power: power({ a: 'off', b: 'off' }), spend: spend(0, 39) });
    expect(started(below.actions)).toEqual(['a', 'b']);
    const spentScenario = new Scenario(scenario.config);
    const spentTick = spentScenario.tick({
      ...work,
      power: power({ a: 'off', b: 'off' }),
      spend: spend(0, 40.5),
    });
    expect(started(spentTick.actions)).toEqual(['a']);
    expect(spentTick.view.hosts.find((h) => h.id === 'b')!.reason).toBe(
      'waiting: runner rb has 1 queued task, oldest 60 s, but the monthly budget is spent (40.5 of 40 VM-hours); only queued tasks of priority 8 or higher start hosts',
    );
    expect(spentTick.view.monthlyBudget).toMatchObject({ holdingBelowPriority: 8, unit: 'vm-hours' });
    // Nothing is stopped for it: a host that is on stays on while its runner works.
    const on = spentScenario.tick({ ...work, power: power({ a: 'on', b: 'on' }), spend: spend(0, 41) });
    expect(on.actions.filter((a) => a.kind === 'powerOff')).toEqual([]);
  });

  it('without a budget or without a history, nothing changes and the view has no budget', () => {
    const none = new Scenario(fleet(undefined)).tick({
      ...work,
      power: power({ a: 'off', b: 'off' }),
      spend: spend(1e6),
    });
    expect(started(none.actions)).toEqual(['a', 'b']);
    expect(none.view.monthlyBudget).toBeUndefined();
    const noHistory = new Scenario(fleet({ amount: 1 })).tick({
      ...work,
      power: power({ a: 'off', b: 'off' }),
    });
    expect(started(noHistory.actions)).toEqual(['a', 'b']);
  });

  it('remembers the last alert across a restart', () => {
    const scenario = new Scenario(fleet({ amount: 100 }));
    scenario.tick({ queue: queue([]), power: power({ a: 'off', b: 'off' }), spend: spend(90) });
    const saved = memoryFromJson(JSON.parse(JSON.stringify(memoryToJson(scenario.memory))));
    expect(saved).toMatchObject({ memory: { spendAlert: { month: '2026-01', level: 'warning' } } });
    expect(emptyMemory().spendAlert).toBeUndefined();
  });

  it('shows in `status`', () => {
    const scenario = new Scenario(
      fleet({ amount: 40, unit: 'vm-hours', whenSpent: 'hold-starts', minPriority: 8 }),
    );
    const { view } = scenario.tick({ ...work, power: power({ a: 'off', b: 'off' }), spend: spend(0, 44) });
    expect(describeStatus(view, 'http://127.0.0.1:7870', T0)).toContain(
      'Budget        44.0 of 40 VM-hours in 2026-01 (110 %); SPENT: hosts start only for tasks of priority 8 or higher',
    );
  });
});
