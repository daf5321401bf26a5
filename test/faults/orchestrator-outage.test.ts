import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { MANAGED_TAG } from '../../src-main/drivers/power/power-results.js';
import type { FailureRule } from '../fakes/botcity/failures.js';
import { eventsAfter, lastEventId, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { startXrdp, type XrdpServer } from '../helpers/rdp-servers.js';
import { callsSince, fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';
import { ensureFaultUser, FAULT_PASSWORD } from './rdp-user.js';

/**
 * The orchestrator goes down (5xx), then answers garbage (cut JSON, JSON of the wrong shape), for many
 * ticks, at the very moment the runner's last task finishes: the service powers nothing off and closes
 * nothing, says so (event, state, /metrics), and once the orchestrator answers again it sees the runner
 * idle and stops the host after the grace period.
 */

const USER = 'smfaultbot2';
let xrdp: XrdpServer;
let world: FaultWorld | undefined;

beforeAll(async () => {
  ensureFaultUser(USER);
  xrdp = await startXrdp();
});
afterAll(async () => {
  await xrdp?.stop();
});
afterEach(async () => {
  await world?.close();
  world = undefined;
});

const OUTAGE_TICKS = 6;

describe('orchestrator down or answering garbage', () => {
  it('powers off nothing, closes nothing, alerts, and recovers', { timeout: 180_000 }, async () => {
    const w = (world = await faultWorld('outage'));
    await w.storeSecret(`host-password:${w.id}`, FAULT_PASSWORD);
    const instance = w.instanceId();
    w.ec2.world.transitionMs = 1_000;
    w.ec2.world.addInstance({
      id: instance,
      state: 'running',
      privateIp: '127.0.0.1',
      tags: { [MANAGED_TAG]: 'true' },
    });
    const runner = `runner-${w.id}`;
    w.writeConfig({
      policy: fastPolicy,
      hosts: [w.awsHost('vm-1', instance, { address: `127.0.0.1:${xrdp.port}`, user: USER })],
      runners: [{ id: runner, host: 'vm-1', sessionMode: 'rdp', width: 1024, height: 768 }],
    });
    const task = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
    w.botcity.startTask(task.id, runner);
    const service = await w.start();
    await eventually(
      async () => (await service.api.getState()).sessions.some((s) => s.state === 'open'),
      'session open',
    );

    // The task ends exactly when the orchestrator stops answering: only the outage hides that it is idle.
    const calls = w.ec2.world.calls.length;
    const mark = await lastEventId(service.api);
    const garbage: FailureRule['mode'][] = [
      { kind: 'server-error', status: 503 },
      { kind: 'malformed-json' },
      { kind: 'bad-shape' },
    ];
    for (const [index, mode] of garbage.entries()) {
      w.botcity.setFailure({ mode });
      if (index === 0) w.botcity.finishTask(task.id);
      const { ticks } = await service.api.getState();
      const during = await ticksPassed(service.api, ticks, OUTAGE_TICKS);
      expect(during.orchestrator.status, mode.kind).toBe('unreachable');
      expect(during.hosts.find((h) => h.id === 'vm-1')?.power).toBe('on');
      expect(during.sessions.find((s) => s.hostId === 'vm-1')?.state).toBe('open');
    }
    expect(callsSince(w.ec2, calls, 'StopInstances')).toEqual([]);
    const outage = await eventsAfter(service.api, mark);
    expect(outage.filter((e) => e.kind === 'session.closed' || e.kind === 'host.stopping')).toEqual([]);
    expect(outage.some((e) => e.kind === 'orchestrator.unreachable' && e.severity !== 'info')).toBe(true);
    const metrics = await (
      await fetch(`${service.url}/metrics`, { headers: { authorization: `Bearer ${service.token}` } })
    ).text();
    expect(metrics).toMatch(/^session_manager_orchestrator_up 0$/m);

    // It answers again: the runner is idle, so the host drains and stops.
    w.botcity.setFailure(undefined);
    await eventually(
      async () => (await service.api.getState()).orchestrator.status === 'ok',
      'orchestrator ok',
    );
    await eventually(
      () => w.ec2.world.get(instance)?.state === 'stopped',
      'the idle host stopped after recovery',
    );
    const after = await eventsAfter(service.api, mark);
    expect(after.some((e) => e.kind === 'orchestrator.restored')).toBe(true);
    expect(after.some((e) => e.kind === 'session.closed' && e.hostId === 'vm-1')).toBe(true);
    expect(callsSince(w.ec2, calls, 'StopInstances', instance)).toHaveLength(1);
  });
});
