import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { eventsAfter, lastEventId, readEventFile, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { startXrdp, type XrdpServer } from '../helpers/rdp-servers.js';
import { fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';
import { ensureFaultUser, FAULT_PASSWORD, FAULT_USER } from './rdp-user.js';

/**
 * kill -9 of the real service while it logs a busy runner's session on to xrdp, and again once the
 * session is up: each restart reopens the session within two ticks, and it ends logged in.
 */

let xrdp: XrdpServer;
let world: FaultWorld | undefined;

beforeAll(async () => {
  ensureFaultUser();
  xrdp = await startXrdp();
});
afterAll(async () => {
  await xrdp?.stop();
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});

/** The highest event id a killed process managed to persist. */
function lastPersistedId(history: string): number {
  const ids = [...history.matchAll(/"id":(\d+)/g)].map((match) => Number(match[1]));
  return ids.length ? Math.max(...ids) : 0;
}

describe('kill -9 during session login', () => {
  it('reopens the busy runner’s session after each crash', { timeout: 180_000 }, async () => {
    const w = (world = await faultWorld('kill-login'));
    await w.storeSecret(`host-password:${w.id}`, FAULT_PASSWORD);
    const runner = `runner-${w.id}`;
    w.writeConfig({
      policy: fastPolicy,
      hosts: [
        {
          id: 'desk-1',
          address: `127.0.0.1:${xrdp.port}`,
          protocol: 'rdp',
          user: FAULT_USER,
          password: `host-password:${w.id}`,
        },
      ],
      runners: [{ id: runner, host: 'desk-1', sessionMode: 'rdp', width: 1024, height: 768 }],
    });
    // The runner is busy: its session is wanted.
    const task = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
    w.botcity.startTask(task.id, runner);

    const first = await w.start();
    // xrdp takes seconds to log on (Xorg starts, then the driver waits for the logon to settle): crash then.
    const seen = await eventually(async () => {
      const events = await eventsAfter(first.api);
      return events.some((e) => e.kind === 'session.opening') ? events : undefined;
    }, 'session.opening');
    await first.kill();
    expect(seen.some((e) => e.kind === 'session.opened')).toBe(false);
    const before = readEventFile(w);
    const crashMark = lastPersistedId(before);

    const second = await w.start();
    await ticksPassed(second.api, 0, 2);
    // Within two ticks the new process is logging the session on again.
    expect(
      (await eventsAfter(second.api, crashMark)).some(
        (e) => e.kind === 'session.opening' && e.hostId === 'desk-1',
      ),
    ).toBe(true);
    const open = await eventually(async () => {
      const s = await second.api.getState();
      return s.sessions.find((x) => x.hostId === 'desk-1' && x.state === 'open');
    }, 'the session open again');
    expect(open).toMatchObject({ user: FAULT_USER, width: 1024, height: 768 });

    // Crash again with the session logged in: the restart reopens it, within two ticks.
    const opened = await lastEventId(second.api);
    await second.kill();
    const third = await w.start();
    await ticksPassed(third.api, 0, 2);
    expect(
      (await eventsAfter(third.api, opened)).some(
        (e) => e.kind === 'session.opening' && e.hostId === 'desk-1',
      ),
    ).toBe(true);
    await eventually(async () => {
      const s = await third.api.getState();
      return s.sessions.some((x) => x.hostId === 'desk-1' && x.state === 'open');
    }, 'the session open after the second crash');
    expect(xrdp.log()).toContain(`login successful for user ${FAULT_USER}`);
  });
});
