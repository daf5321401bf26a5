import { describe, expect, it } from 'vitest';
import type { HostView, ManagerState } from '../../../src-main/core/state.js';
import { Counters } from '../../../src-main/service/counters.js';

const state = (at: number, powers: Record<string, HostView['power']>): ManagerState =>
  ({
    at,
    ticks: at / 1000,
    hosts: Object.entries(powers).map(([id, power]) => ({ id, protocol: 'aws-ec2', power })),
  }) as unknown as ManagerState;

describe('Counters', () => {
  it('integrates billed minutes per host, and money for the hosts with a price', () => {
    const counters = new Counters();
    counters.setPrices(new Map([['a', 0.6]]));
    counters.onState(state(0, { a: 'starting', b: 'on', c: 'off' }));
    counters.onState(state(60_000, { a: 'on', b: 'stopping', c: 'off' }));
    counters.onState(state(180_000, { a: 'off', b: 'off', c: 'on' }));
    const totals = counters.snapshot();
    expect(totals.vmMinutes).toEqual({ a: 3, b: 3 });
    expect(totals.spend).toEqual({ a: 0.03 });
  });
});
