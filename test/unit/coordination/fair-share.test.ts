import { describe, expect, it } from 'vitest';
import { preferenceOrder, targetShares } from '../../../src-main/coordination/fair-share.js';

const load = (id: string, sessions: number, busyHosts: number) => ({ id, sessions, busyHosts });
const shares = (...args: Parameters<typeof targetShares>) => Object.fromEntries(targetShares(...args));

describe('how many hosts each instance holds', () => {
  it('splits evenly when no instance has sessions, and gives one instance every host', () => {
    expect(shares([load('a', 0, 0), load('b', 0, 0), load('c', 0, 0)], 9)).toEqual({ a: 3, b: 3, c: 3 });
    expect(shares([load('b', 0, 0), load('a', 0, 0)], 5)).toEqual({ a: 3, b: 2 });
    expect(shares([load('a', 0, 0)], 7)).toEqual({ a: 7 });
  });

  it('gives the idle hosts to the instances with the fewest sessions, so sessions even out', () => {
    // a carries 4 sessions on 4 busy hosts: b, with none, gets the idle hosts until both carry 5.
    expect(shares([load('a', 4, 4), load('b', 0, 0)], 10)).toEqual({ a: 5, b: 5 });
    // Several sessions on one host count as what they are: sessions, not hosts.
    expect(shares([load('a', 12, 2), load('b', 1, 1), load('c', 0, 0)], 9)).toEqual({ a: 2, b: 4, c: 3 });
  });

  it('never moves a busy host: an instance keeps at least its busy hosts, and every host has a holder', () => {
    const result = targetShares([load('a', 9, 9), load('b', 0, 0)], 9);
    expect(Object.fromEntries(result)).toEqual({ a: 9, b: 0 });
    for (const [instances, hosts] of [
      [[load('a', 3, 2), load('b', 7, 5), load('c', 0, 0)], 20],
      [[load('a', 0, 0), load('b', 0, 0)], 1],
    ] as const) {
      const targets = targetShares(instances, hosts);
      expect([...targets.values()].reduce((sum, n) => sum + n, 0)).toBe(hosts);
      for (const instance of instances)
        expect(targets.get(instance.id)).toBeGreaterThanOrEqual(instance.busyHosts);
    }
  });

  it('every instance computes the same, whatever order it reads the heartbeats in', () => {
    const instances = [load('c', 2, 1), load('a', 5, 3), load('b', 0, 0)];
    expect(shares(instances, 12)).toEqual(shares([...instances].reverse(), 12));
  });
});

describe('the order an instance reaches for free hosts in', () => {
  it('differs between instances and holds every host once', () => {
    const hosts = Array.from({ length: 20 }, (_, i) => `bot-${i}`);
    const a = preferenceOrder('a', hosts);
    expect([...a].sort()).toEqual([...hosts].sort());
    expect(preferenceOrder('b', hosts)).not.toEqual(a);
    expect(preferenceOrder('a', hosts)).toEqual(a);
  });
});
