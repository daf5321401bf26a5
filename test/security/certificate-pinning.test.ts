import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { fastPolicy, faultWorld, type FaultWorld } from '../faults/fault-world.js';
import { eventsAfter, lastEventId, ticksPassed } from '../helpers/service-process.js';
import { eventually } from '../helpers/eventually.js';
import { startShadowServer, type ShadowServer } from '../helpers/rdp-servers.js';

/**
 * Trust on first use, through the running service: the first logon pins the host's certificate in the
 * config; when the host comes back with another certificate, the service refuses it before sending any
 * credentials, says so in an event naming both fingerprints, and does not retry until the operator
 * trusts the new one — then the session comes back.
 */

const USER = 'smpinbot';
const PASSWORD = 'P1n-Passw0rd!';
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

const pinnedIn = (configPath: string) =>
  (
    JSON.parse(readFileSync(configPath, 'utf8')) as { hosts: Array<{ id: string; certificate?: string }> }
  ).hosts.find((host) => host.id === 'pin-1')?.certificate;

describe('RDP host certificate pinning', () => {
  it(
    'pins on first use and refuses a changed certificate with a clear event',
    { timeout: 150_000 },
    async () => {
      const w = (world = await faultWorld('pinning'));
      await w.storeSecret(`host-password:${w.id}`, PASSWORD);
      const runner = `runner-${w.id}`;
      w.writeConfig({
        policy: fastPolicy,
        hosts: [
          {
            id: 'pin-1',
            address: `127.0.0.1:${shadow.port}`,
            protocol: 'rdp',
            user: USER,
            password: `host-password:${w.id}`,
          },
        ],
        runners: [{ id: runner, host: 'pin-1', sessionMode: 'rdp', width: 1024, height: 768 }],
      });
      const task = w.botcity.createTask({ activityLabel: 'work', machineId: runner });
      w.botcity.startTask(task.id, runner);
      const service = await w.start();

      // First use: the certificate is pinned in the config.
      const first = await eventually(() => pinnedIn(w.configPath), 'the certificate pinned in the config');
      expect(first).toMatch(/^[0-9a-f]{64}$/);
      expect(
        (await eventsAfter(service.api)).some(
          (e) => e.kind === 'certificate.pinned' && e.data?.fingerprint === first,
        ),
      ).toBe(true);
      await eventually(
        async () => (await service.api.getState()).sessions.some((s) => s.state === 'open'),
        'session open',
      );

      // The host comes back with another certificate.
      const mark = await lastEventId(service.api);
      await shadow.kill();
      await shadow.start(mkdtempSync(path.join(tmpdir(), 'sm-shadow-other-cert-')));
      const refused = await eventually(async () => {
        const events = await eventsAfter(service.api, mark);
        return events.find(
          (e) => e.hostId === 'pin-1' && e.kind === 'session.failed' && /certificate/i.test(e.message),
        );
      }, 'the changed certificate refused');
      expect(refused.message).toContain(first);
      const presented = /([0-9a-f]{64})/g;
      const fingerprints = new Set([...refused.message.matchAll(presented)].map((match) => match[1]));
      expect(fingerprints.size).toBe(2); // the pinned one and the one presented
      const other = [...fingerprints].find((fingerprint) => fingerprint !== first)!;

      // Not retried, not re-pinned: the config keeps the first fingerprint, over several ticks.
      const refusedAt = await lastEventId(service.api);
      const { ticks } = await service.api.getState();
      const later = await ticksPassed(service.api, ticks, 3);
      expect(pinnedIn(w.configPath)).toBe(first);
      expect(later.sessions.find((s) => s.hostId === 'pin-1')?.state).not.toBe('open');
      expect((await eventsAfter(service.api, refusedAt)).filter((e) => e.kind === 'session.opened')).toEqual(
        [],
      );

      // The operator trusts the new certificate: it is pinned and the session comes back.
      expect(await service.api.trustCertificate({ hostId: 'pin-1' })).toEqual({
        hostId: 'pin-1',
        fingerprint: other,
      });
      await eventually(() => pinnedIn(w.configPath) === other, 'the new certificate pinned');
      await eventually(
        async () =>
          (await service.api.getState()).sessions.some((s) => s.hostId === 'pin-1' && s.state === 'open'),
        'session open with the new certificate',
      );
    },
  );
});
