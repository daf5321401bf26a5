import { describe, expect, it } from 'vitest';
import type { Config } from '../../../src-main/config/schema.js';
import { scopedConfig, type FleetScope } from '../../../src-main/core/fleet-scope.js';
import { fleetView, sharedPartOf } from '../../../src-main/core/fleet-view.js';
import { emptyMemory } from '../../../src-main/core/memory.js';
import type { ManagerState } from '../../../src-main/core/state.js';
import { readSharedPart } from '../../../src-main/coordination/shared-part.js';
import { host, makeConfig, openSession, planWithView, power, runner, snapshot, T0 } from './world.js';

/** Several instances: each shows the whole fleet, the others' hosts as their holders shared them. */
const config = makeConfig({
  hosts: [host('h1'), host('h2'), host('desk', { protocol: 'rdp', aws: undefined })],
  runners: [runner('r1', 'h1'), runner('r2', 'h2'), runner('r3', 'desk')],
  policy: { maxHostsOn: 3 },
});

/** What one instance publishes of the hosts it holds (as the reconciler does, on its scoped config). */
function ownView(instanceId: string, held: string[], holders: Record<string, string>): ManagerState {
  const scope: Pick<FleetScope, 'hosts' | 'othersOn'> = { hosts: () => new Set(held), othersOn: () => 0 };
  const scoped: Config = scopedConfig(config, scope as FleetScope);
  const { view } = planWithView(
    snapshot({
      now: T0,
      power: power({ h1: 'on', h2: 'on' }),
      sessions: held.map((hostId) => openSession(hostId)),
    }),
    scoped,
    emptyMemory(),
    T0,
  );
  return {
    ...view,
    paused: false,
    ticks: 1,
    coordination: { instanceId, connected: true, instances: 2, holders },
  };
}

describe('the fleet as any instance shows it', () => {
  const holders = { h1: 'a', h2: 'b', desk: 'b' };

  it("shows every host once, in the config's order, with the others' runners and sessions and the fleet's counts", () => {
    const a = ownView('a', ['h1'], holders);
    const b = ownView('b', ['h2', 'desk'], holders);
    const shown = fleetView(a, [sharedPartOf('b', b)], config);
    expect(shown.hosts.map((h) => h.id)).toEqual(['h1', 'h2', 'desk']);
    expect(shown.runners.map((r) => r.id)).toEqual(['r1', 'r2', 'r3']);
    expect(shown.sessions.map((s) => s.hostId)).toEqual(['h1', 'h2', 'desk']);
    expect(a.hostsOn).toBe(1);
    expect(shown.hostsOn).toBe(2); // the desk (rdp) never counts
    expect(shown.maxHostsOn).toBe(3);
    expect(shown.coordination).toEqual(a.coordination);
  });

  it('a host is shown from its holder only: a stale part of its former holder, or a part of no holder, is not shown', () => {
    const a = ownView('a', ['h1'], holders);
    const formerHolder = ownView('c', ['h1', 'h2'], { h1: 'c', h2: 'c' });
    const b = ownView('b', ['h2', 'desk'], holders);
    const shown = fleetView(a, [sharedPartOf('c', formerHolder), sharedPartOf('b', b)], config);
    expect(shown.hosts.map((h) => h.id)).toEqual(['h1', 'h2', 'desk']);
    expect(shown.sessions.map((s) => s.hostId)).toEqual(['h1', 'h2', 'desk']);
    // Its own part shared back to it is not shown twice either.
    expect(fleetView(a, [sharedPartOf('a', a)], config).hosts.map((h) => h.id)).toEqual(['h1']);
  });

  it('what another instance shared is read record by record: one bad host is left out, never the rest', () => {
    const b = ownView('b', ['h2', 'desk'], holders);
    const part = JSON.parse(JSON.stringify(sharedPartOf('b', b))) as { hosts: unknown[] };
    part.hosts[0] = { id: 'h2', power: 'sideways' };
    const read = readSharedPart('b', part);
    expect(read.skipped).toBe(1);
    expect(read.part.hosts.map((h) => h.id)).toEqual(['desk']);
    expect(read.part.sessions).toHaveLength(2);
    expect(readSharedPart('b', 'not a part').skipped).toBe(1);
  });
});
