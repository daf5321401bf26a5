import { createServer } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { ServiceProcess } from '../helpers/service-process.js';
import { eventsAfter, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { fastPolicy, faultWorld, type FaultWorld } from './fault-world.js';

/**
 * A host whose power state cannot be read, through the real service process: the cloud's error is on
 * the host (kind, words, what to do), said once as an event when it begins and once when it clears,
 * counted in /metrics, /health is degraded meanwhile, and the host is shown apart from hosts on.
 */

let world: FaultWorld | undefined;
afterEach(async () => {
  await world?.close();
  world = undefined;
});

async function metricsText(service: ServiceProcess): Promise<string> {
  const reply = await fetch(`${service.url}/metrics`, {
    headers: { authorization: `Bearer ${service.token}` },
  });
  return reply.text();
}

/** A port nothing listens on (bound, then closed). */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('cloud errors while reading power states', () => {
  it(
    'refused credentials: on the host, one event at the start, one when cleared, in metrics and health',
    { timeout: 120_000 },
    async () => {
      const w = (world = await faultWorld('cloud-auth'));
      const instance = w.instanceId();
      w.ec2.world.addInstance({ id: instance, state: 'stopped', privateIp: '127.0.0.1' });
      w.writeConfig({
        policy: fastPolicy,
        hosts: [w.awsHost('host-a', instance)],
        runners: [{ id: `r-${w.id}`, host: 'host-a', sessionMode: 'console' }],
      });
      w.ec2.world.fail(
        'DescribeInstances',
        'AuthFailure',
        Infinity,
        'AWS was not able to validate the provided access credentials',
      );
      const service = await w.start();

      const failing = await eventually(async () => {
        const state = await service.api.getState();
        return state.hosts.find((host) => host.cloudError)?.cloudError ? state : undefined;
      }, 'the host to show its cloud error');
      const host = failing.hosts.find((h) => h.id === 'host-a')!;
      expect(host.power).toBe('unknown');
      expect(host.cloudError).toMatchObject({ kind: 'auth', message: expect.stringMatching(/AuthFailure/) });
      expect(host.cloudError?.hint).toMatch(/access key/);
      expect(failing.hostsUnknown).toBe(1);
      expect(failing.hostsOn).toBe(0);

      // Several ticks of the same error: still one event, and no second "info" saying it again.
      const later = await ticksPassed(service.api, failing.ticks, 3);
      expect(later.hosts[0]?.cloudError?.kind).toBe('auth');
      const events = await eventsAfter(service.api);
      expect(events.filter((e) => e.kind === 'host.cloud-error' && e.hostId === 'host-a')).toHaveLength(1);
      expect(events.filter((e) => e.kind === 'info' && /AuthFailure/.test(e.message))).toHaveLength(0);
      const metrics = await metricsText(service);
      expect(metrics).toMatch(/^session_manager_cloud_errors_total\{kind="auth"\} 1$/m);
      expect(metrics).toMatch(/^session_manager_hosts_power_unknown 1$/m);
      const health = (await (await fetch(`${service.url}/health`)).json()) as { status: string };
      expect(health.status).toBe('degraded');

      // The cloud accepts the credentials again: one "cleared" event, and the host is read.
      w.ec2.world.clearFailures();
      const cleared = await eventually(async () => {
        const all = await eventsAfter(service.api);
        return all.find((e) => e.kind === 'host.cloud-error-cleared' && e.hostId === 'host-a');
      }, 'the cloud error to clear');
      expect(cleared.data).toMatchObject({ errorKind: 'auth' });
      const read = await eventually(async () => {
        const state = await service.api.getState();
        return state.hosts[0]?.power === 'off' ? state : undefined;
      }, 'the host to be read again');
      expect(read.hostsUnknown).toBe(0);
      expect(read.hosts[0]?.cloudError).toBeUndefined();
      const after = await ticksPassed(service.api, read.ticks, 2);
      expect(after.hosts[0]?.power).toBe('off');
      const all = await eventsAfter(service.api);
      expect(all.filter((e) => e.kind === 'host.cloud-error-cleared')).toHaveLength(1);
    },
  );

  it(
    'an EC2 endpoint that refuses connections is "unreachable", with what to check',
    { timeout: 120_000 },
    async () => {
      const w = (world = await faultWorld('cloud-refused'));
      const instance = w.instanceId();
      w.writeConfig({ policy: fastPolicy, hosts: [w.awsHost('host-a', instance)] });
      const service = await w.start({
        env: { AWS_ENDPOINT_URL_EC2: `http://127.0.0.1:${await closedPort()}` },
      });
      const state = await eventually(async () => {
        const current = await service.api.getState();
        return current.hosts[0]?.cloudError ? current : undefined;
      }, 'the host to show the refused endpoint');
      expect(state.hosts[0]?.cloudError).toMatchObject({ kind: 'unreachable' });
      expect(state.hosts[0]?.cloudError?.hint).toMatch(/network/);
      expect(state.hosts[0]?.lastError).toMatch(/ECONNREFUSED|connect/i);
    },
  );
});
