import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { Ec2PowerDriver } from '../../../src-main/drivers/power/aws-ec2.js';
import { Ec2FakeServer } from '../../fakes/ec2/server.js';
import { ManualClock, Ec2World } from '../../fakes/ec2/world.js';
import { ec2Host, instanceId } from './helpers.js';
import { MemorySecrets } from '../../helpers/memory-secrets.js';

/** The EC2 driver through @aws-sdk/client-ec2 against the wire-level fake, reached via AWS_ENDPOINT_URL_EC2. */

const clock = new ManualClock();
let server: Ec2FakeServer;
let world: Ec2World;
let driver: Ec2PowerDriver;
const secrets = new MemorySecrets();
const tmp = mkdtempSync(path.join(tmpdir(), 'ec2-test-'));

beforeAll(async () => {
  server = new Ec2FakeServer({ secretKeys: { AKIATESTKEY000000001: 'test-secret-value' } });
  process.env.AWS_ENDPOINT_URL_EC2 = await server.listen();
  await secrets.set('aws-secret:test', 'test-secret-value');
});

afterAll(async () => {
  await server.close();
  rmSync(tmp, { recursive: true, force: true });
});

beforeEach(() => {
  world = new Ec2World({ clock, transitionMs: 30_000 });
  Object.assign(server, { world });
  driver = new Ec2PowerDriver({ secrets, maxAttempts: 2 });
});

afterEach(() => driver.close());

describe('EC2 driver', () => {
  it('observes 2,500 hosts of one region with one DescribeInstances per 1,000', async () => {
    for (let n = 1; n <= 2500; n++)
      world.addInstance({
        id: instanceId(n),
        state: n % 2 ? 'running' : 'stopped',
        privateIp: `10.0.${n >> 8}.${n & 255}`,
      });
    const hosts = Array.from({ length: 2500 }, (_, index) => ec2Host(index + 1));
    const observation = await driver.observe(hosts);
    expect(observation.calls).toBe(3);
    expect(world.callCount('DescribeInstances')).toBe(3);
    expect(observation.hosts.get('ec2-1')).toMatchObject({ state: 'on', managed: false, detail: 'running' });
    expect(observation.hosts.get('ec2-2')).toMatchObject({ state: 'off', detail: 'stopped' });
    expect(observation.problems).toEqual([]);
  });

  it('maps every EC2 state, reads the managed tag and the address the host follows', async () => {
    const states = ['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated'] as const;
    states.forEach((state, index) =>
      world.addInstance({
        id: instanceId(index + 1),
        state,
        tags: index === 1 ? { 'session-manager:managed': 'true' } : {},
        publicIp: `203.0.113.${index + 1}`,
        privateIp: `10.1.0.${index + 1}`,
      }),
    );
    const hosts = states.map((_, index) =>
      ec2Host(
        index + 1,
        { addressFrom: index === 0 ? 'private' : 'public' },
        { address: 'bot.example.com:3390' },
      ),
    );
    const observation = await driver.observe(hosts);
    expect([...observation.hosts.values()].map((host) => host.state)).toEqual([
      'starting',
      'on',
      'stopping',
      'off',
      'gone',
      'gone',
    ]);
    expect(observation.hosts.get('ec2-1')?.address).toBe('10.1.0.1:3390');
    expect(observation.hosts.get('ec2-2')).toMatchObject({ managed: true, address: '203.0.113.2:3390' });
  });

  it('reports a vanished instance as gone and still reads the others, at one extra call', async () => {
    world.addInstance({ id: instanceId(1), state: 'running' });
    const observation = await driver.observe([ec2Host(1), ec2Host(2)]);
    expect(observation.hosts.get('ec2-1')?.state).toBe('on');
    expect(observation.hosts.get('ec2-2')).toMatchObject({ state: 'gone', detail: 'instance not found' });
    expect(observation.calls).toBe(2);
  });

  it('starts a stopped instance, tags it, and a second start is a no-op', async () => {
    world.addInstance({ id: instanceId(1), state: 'stopped' });
    const host = ec2Host(1);
    expect(await driver.start(host)).toMatchObject({ ok: true });
    expect(world.get(instanceId(1))).toMatchObject({
      state: 'pending',
      tags: { 'session-manager:managed': 'true' },
    });
    expect(await driver.start(host)).toMatchObject({ ok: true });
    clock.advance(30_000);
    expect((await driver.observe([host])).hosts.get(host.id)).toMatchObject({ state: 'on', managed: true });
    expect(await driver.start(host)).toEqual({ ok: true, detail: 'already running' });
    expect(world.callCount('StartInstances')).toBe(3);
  });

  it('does not tag an instance someone else already runs, and refuses to stop it', async () => {
    world.addInstance({ id: instanceId(1), state: 'running' });
    const host = ec2Host(1);
    expect(await driver.start(host)).toEqual({ ok: true, detail: 'already running' });
    expect(world.callCount('CreateTags')).toBe(0);
    const stopped = await driver.stop(host);
    expect(stopped).toMatchObject({ ok: false, error: 'not-managed' });
    expect(world.callCount('StopInstances')).toBe(0);
    expect(world.get(instanceId(1))?.state).toBe('running');
  });

  it('stops an unmanaged instance when the host opted in', async () => {
    world.addInstance({ id: instanceId(1), state: 'running' });
    expect(await driver.stop(ec2Host(1, {}, { powerOffUnmanaged: true }))).toEqual({
      ok: true,
      detail: 'stopping',
    });
    expect(world.get(instanceId(1))?.state).toBe('stopping');
  });

  it('stops a managed instance; stopping again is a no-op without a StopInstances', async () => {
    world.addInstance({ id: instanceId(1), state: 'running', tags: { 'session-manager:managed': 'true' } });
    const host = ec2Host(1);
    expect(await driver.stop(host)).toMatchObject({ ok: true });
    expect(await driver.stop(host)).toEqual({ ok: true, detail: 'already stopping' });
    expect(world.callCount('StopInstances')).toBe(1);
  });

  it('hibernates an instance configured for it, and stops it normally when EC2 refuses the hibernation', async () => {
    const managed = { 'session-manager:managed': 'true' };
    world.addInstance({ id: instanceId(1), state: 'running', tags: managed, hibernationConfigured: true });
    world.addInstance({ id: instanceId(2), state: 'running', tags: managed });
    expect(await driver.stop(ec2Host(1))).toEqual({ ok: true, detail: 'hibernating', hibernated: true });
    expect(world.get(instanceId(1))).toMatchObject({ state: 'stopping', hibernated: true });
    // Not configured: a plain stop, never a Hibernate the instance would refuse.
    expect(await driver.stop(ec2Host(2))).toEqual({ ok: true, detail: 'stopping' });
    expect(
      world.calls.filter((call) => call.action === 'StopInstances').map((call) => call.hibernate),
    ).toEqual([true, undefined]);

    // Soon after launch the hibernation agent is not ready: EC2 refuses; the host is stopped instead.
    world.addInstance({ id: instanceId(3), state: 'running', tags: managed, hibernationConfigured: true });
    world.fail(
      'StopInstances',
      'UnsupportedOperation',
      1,
      'Instance is not ready to hibernate yet, please try again later.',
    );
    expect(await driver.stop(ec2Host(3))).toEqual({
      ok: true,
      detail: 'stopping',
      hibernateRefused:
        'UnsupportedOperation: Instance is not ready to hibernate yet, please try again later.',
    });
    expect(world.get(instanceId(3))).toMatchObject({ state: 'stopping', hibernated: false });

    // A throttled hibernation is not a refusal: the stop fails and is retried after the back-off.
    world.addInstance({ id: instanceId(4), state: 'running', tags: managed, hibernationConfigured: true });
    world.fail('StopInstances', 'RequestLimitExceeded', 2);
    expect(await driver.stop(ec2Host(4))).toMatchObject({ ok: false, error: 'throttled' });
    expect(world.get(instanceId(4))?.state).toBe('running');
  });

  it('maps a throttling storm to throttled after a bounded number of calls', async () => {
    world.addInstance({ id: instanceId(1), state: 'stopped' });
    world.fail('*', 'RequestLimitExceeded', Infinity);
    const observation = await driver.observe([ec2Host(1)]);
    expect(observation.hosts.get('ec2-1')?.state).toBe('unknown');
    expect(observation.calls).toBe(2);
    expect(observation.problems[0]).toMatch(/RequestLimitExceeded/);
    const result = await driver.start(ec2Host(1));
    expect(result).toMatchObject({ ok: false, error: 'throttled', retryAfterMs: 10_000 });
    expect(world.callCount()).toBe(4);
  });

  it('maps capacity, incorrect state and a terminated instance', async () => {
    world.addInstance({ id: instanceId(1), state: 'stopped' });
    world.addInstance({ id: instanceId(2), state: 'stopping' });
    world.addInstance({ id: instanceId(3), state: 'terminated' });
    world.fail('StartInstances', 'InsufficientInstanceCapacity', 2);
    expect(await driver.start(ec2Host(1))).toMatchObject({ ok: false, error: 'capacity' });
    expect(await driver.start(ec2Host(2))).toMatchObject({ ok: false, error: 'incorrect-state' });
    expect(await driver.start(ec2Host(3))).toMatchObject({
      ok: false,
      error: 'not-found',
      message: /terminated/,
    });
    expect(await driver.start(ec2Host(4))).toMatchObject({ ok: false, error: 'not-found' });
    expect(await driver.stop(ec2Host(3))).toMatchObject({ ok: true, detail: 'already terminated' });
  });

  it('maps an unknown access key, a wrong secret and a missing keychain secret to auth', async () => {
    world.addInstance({ id: instanceId(1), state: 'stopped' });
    await secrets.set('aws-secret:wrong', 'not-the-right-secret');
    const wrongSecret = ec2Host(1, { secretAccessKey: 'aws-secret:wrong' });
    expect(await driver.start(wrongSecret)).toMatchObject({
      ok: false,
      error: 'auth',
      message: /SignatureDoesNotMatch/,
    });
    const stranger = ec2Host(1, { accessKeyId: 'AKIAUNKNOWNKEY000001' });
    expect(await driver.start(stranger)).toMatchObject({ ok: false, error: 'auth' });
    const noSecret = ec2Host(1, {
      accessKeyId: 'AKIATESTKEY000000001',
      secretAccessKey: 'aws-secret:absent',
    });
    const result = await driver.start(noSecret);
    expect(result).toMatchObject({ ok: false, error: 'auth' });
    expect(JSON.stringify(result)).not.toContain('test-secret-value');
  });

  it('groups hosts by credentials: a profile from the shared credentials file and the default chain', async () => {
    const credentialsFile = path.join(tmp, 'credentials');
    writeFileSync(
      credentialsFile,
      '[bots]\naws_access_key_id = AKIAPROFILEKEY000001\naws_secret_access_key = profile-secret\n',
    );
    process.env.AWS_SHARED_CREDENTIALS_FILE = credentialsFile;
    process.env.AWS_CONFIG_FILE = path.join(tmp, 'no-config');
    process.env.AWS_ACCESS_KEY_ID = 'AKIADEFAULTKEY000001';
    process.env.AWS_SECRET_ACCESS_KEY = 'default-secret';
    server.acceptKey('AKIAPROFILEKEY000001', 'profile-secret');
    server.acceptKey('AKIADEFAULTKEY000001', 'default-secret');
    for (let n = 1; n <= 6; n++) world.addInstance({ id: instanceId(n), state: 'running' });
    const hosts = [
      ec2Host(1),
      ec2Host(2),
      ec2Host(3, {
        credentials: 'profile',
        profile: 'bots',
        accessKeyId: undefined,
        secretAccessKey: undefined,
      }),
      ec2Host(4, {
        credentials: 'profile',
        profile: 'bots',
        accessKeyId: undefined,
        secretAccessKey: undefined,
      }),
      ec2Host(5, { credentials: 'default', accessKeyId: undefined, secretAccessKey: undefined }),
      ec2Host(6, {
        credentials: 'default',
        region: 'us-east-1',
        accessKeyId: undefined,
        secretAccessKey: undefined,
      }),
    ];
    const observation = await driver.observe(hosts);
    expect([...observation.hosts.values()].every((host) => host.state === 'on')).toBe(true);
    expect(observation.calls).toBe(4);
    expect(world.calls.map((call) => call.keyId).sort()).toEqual([
      'AKIADEFAULTKEY000001',
      'AKIADEFAULTKEY000001',
      'AKIAPROFILEKEY000001',
      'AKIATESTKEY000000001',
    ]);
  });
});
