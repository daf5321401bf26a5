import { describe, expect, it } from 'vitest';
import type { NewEvent } from '../../../src-main/core/events.js';
import { incompleteQueue } from '../../../src-main/core/observe.js';
import type { HostPower } from '../../../src-main/core/power-driver.js';
import { ProblemReports } from '../../../src-main/core/problem-reports.js';
import type { ObservationProblem, Snapshot } from '../../../src-main/core/snapshot.js';

function snapshot(power: HostPower[], problems: ObservationProblem[] = []): Snapshot {
  return {
    now: 0,
    queue: { ...incompleteQueue('not read'), complete: true },
    power: new Map(power.map((host) => [host.hostId, host])),
    sessions: [],
    readiness: new Map(),
    outcomes: [],
    problems,
  };
}

const refused = (hostId: string, kind: 'auth' | 'unreachable' = 'auth'): HostPower => ({
  hostId,
  state: 'unknown',
  managed: false,
  error: { kind, message: `EC2 us-east-1: ${kind === 'auth' ? 'AuthFailure' : 'ECONNREFUSED'}` },
});
const off = (hostId: string): HostPower => ({ hostId, state: 'off', managed: true });

function reporter() {
  const reports = new ProblemReports();
  const events: NewEvent[] = [];
  return { events, tick: (s: Snapshot) => reports.report(s, (event) => events.push(event)) };
}

describe('problems and cloud errors, each said once', () => {
  it('a cloud error is one event when it begins, none while it lasts, one when it clears', () => {
    const { events, tick } = reporter();
    const problem = { source: 'power' as const, protocol: 'aws-ec2', message: 'EC2 us-east-1: AuthFailure' };
    for (let i = 0; i < 3; i++) tick(snapshot([refused('a'), off('b')], [problem]));
    expect(events).toEqual([
      expect.objectContaining({ kind: 'host.cloud-error', hostId: 'a', data: { errorKind: 'auth' } }),
    ]);
    tick(snapshot([off('a'), off('b')]));
    tick(snapshot([off('a'), off('b')]));
    expect(events.map((e) => e.kind)).toEqual(['host.cloud-error', 'host.cloud-error-cleared']);
    expect(events[1]).toMatchObject({ hostId: 'a', severity: 'info', data: { errorKind: 'auth' } });
  });

  it('a new kind of error is a new fact; a host that leaves the config clears nothing', () => {
    const { events, tick } = reporter();
    tick(snapshot([refused('a')]));
    tick(snapshot([refused('a', 'unreachable')]));
    tick(snapshot([]));
    expect(events.map((e) => [e.kind, e.data?.errorKind])).toEqual([
      ['host.cloud-error', 'auth'],
      ['host.cloud-error', 'unreachable'],
    ]);
  });

  it('other observation problems are said when they first appear, and again only after they went away', () => {
    const { events, tick } = reporter();
    const slow = { source: 'readiness' as const, message: 'RDP readiness probe failed: EMFILE' };
    tick(snapshot([], [slow]));
    tick(snapshot([], [slow]));
    tick(snapshot([]));
    tick(snapshot([], [slow]));
    expect(events.map((e) => [e.kind, e.severity, e.message])).toEqual([
      ['info', 'warning', slow.message],
      ['info', 'warning', slow.message],
    ]);
  });
});
