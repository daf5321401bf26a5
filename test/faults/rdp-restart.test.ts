import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter, lastEventId } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { startShadowServer, type ShadowServer } from '../helpers/rdp-servers.js';
import { fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * The RDP server of a host restarts under a live session the service keeps for a busy runner: the
 * service reports the drop, reconnects, and the session is logged in again (same certificate).
 */

const USER = 'smfaultnla';
const PASSWORD = 'Nla-F4ult-Passw0rd!';
let shadow: ShadowServer;
let world: FaultWorld | undefined;

beforeAll(async () => {
  shadow = await startShadowServer({ user: USER, password: PASSWORD });
});
afterAll(async () => {
  await shadow?.stop();
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});

describe('the RDP server restarts under a live session', () => {
  it('restores the session and logs the drop and the restore', { timeout: 150_000 }, async () => {
    const w = (world = await faultWorld('rdp-restart'));
    await w.storeSecret(`host-password:${w.id}`, PASSWORD);
    const runner = `runner-${w.id}`;
    w.writeConfig({
      policy: fastPolicy,
      hosts: [
        {
          id: 'nla-1',
          address: `127.0.0.1:${shadow.port}`,
          protocol: 'rdp',
          user: USER,
          password: `host-password:${w.id}`,
        },
      ],
      runners: [{ id: runner, host: 'nla-1', sessionMode: 'rdp', width: 1024, height: 768 }],
    });
    const task = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
    w.botcity.startTask(task.id, runner);
    const service = await w.start();
    await eventually(
      async () => (await service.api.getState()).sessions.some((s) => s.state === 'open'),
      'session open',
    );
    const mark = await lastEventId(service.api);

    await shadow.kill();
    await eventually(
      async () =>
        (await eventsAfter(service.api, mark)).some((e) => e.kind === 'session.lost' && e.hostId === 'nla-1'),
      'session.lost',
    );
    await shadow.start();
    const restored = await eventually(async () => {
      const events = await eventsAfter(service.api, mark);
      return events.find((e) => e.kind === 'session.restored' && e.hostId === 'nla-1');
    }, 'session.restored');
    expect(restored.message).toMatch(/reconnected/);
    // The state is published each tick: the next one shows the session open again.
    const session = await eventually(async () => {
      const found = (await service.api.getState()).sessions.find((s) => s.hostId === 'nla-1');
      return found?.state === 'open' ? found : undefined;
    }, 'the session open in the state');
    expect(session.user).toBe(USER);
    expect(session.reconnects).toBeGreaterThanOrEqual(1);
    // Nothing closed it on purpose: the drop was the server's.
    expect((await eventsAfter(service.api, mark)).filter((e) => e.kind === 'session.closed')).toEqual([]);
  });
});
