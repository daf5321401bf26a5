import { readFileSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import type { OperationName, SessionManagerApi } from '../../../src-main/api/contract.js';
import { ApiError } from '../../../src-main/api/errors.js';
import { createHttpClient } from '../../../src-main/api/http-client.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { FakeManager } from './fake-manager.js';

let manager: FakeManager;
let server: RunningApiServer;
let client: SessionManagerApi;

beforeAll(async () => {
  manager = new FakeManager();
  server = await startApiServer({ port: manager, token: 'test-token-bad-input' });
  client = createHttpClient({ baseUrl: server.url, token: 'test-token-bad-input' });
  await client.addHost({
    id: 'bot-01',
    address: '127.0.0.1',
    protocol: 'rdp',
    user: 'bot',
    password: 'pw-1',
  });
  await client.attachRunner({ id: 'finance-01', host: 'bot-01' });
});

afterAll(async () => {
  await server?.close();
  await manager?.dispose(refsInUse(manager.configStore.load()));
});

const validHost = { id: 'bot-02', address: '127.0.0.1', protocol: 'rdp', user: 'bot', password: 'pw' };

/** operation, input, expected HTTP status, expected issue path (for 400s). */
const cases: Array<[OperationName, unknown, number, string?]> = [
  ['getState', { verbose: true }, 400, '(root)'],
  ['listEvents', { limit: 0 }, 400, 'limit'],
  ['listEvents', { limit: 'ten' }, 400, 'limit'],
  ['listEvents', { afterId: -1 }, 400, 'afterId'],
  ['listEvents', { severity: 'fatal' }, 400, 'severity'],
  ['listEvents', { hostId: '../etc' }, 400, 'hostId'],
  ['getCost', { by: 'week' }, 400, 'by'],
  ['getCost', { from: 10, to: 5 }, 400, 'from'],
  ['whatIf', { policy: { idleGraceMinutes: -1 } }, 400, 'policy.idleGraceMinutes'],
  ['whatIf', { policy: { idleGrace: 5 } }, 400, 'policy'],
  ['listHosts', { all: 1 }, 400, '(root)'],
  ['addHost', {}, 400, 'id'],
  ['addHost', { ...validHost, address: 'not an address!' }, 400, 'address'],
  ['addHost', { ...validHost, address: 'host:99999' }, 400, 'address'],
  ['addHost', { ...validHost, protocol: 'ssh' }, 400, 'protocol'],
  ['addHost', { ...validHost, password: '' }, 400, 'password'],
  ['addHost', { ...validHost, password: undefined }, 400, 'password'],
  ['addHost', { ...validHost, passwordRef: 'host-password:x' }, 400, '(root)'],
  ['addHost', { ...validHost, protocol: 'aws-ec2' }, 400, 'aws'],
  ['addHost', { ...validHost, protocol: 'aws-ec2', aws: { instanceId: 'i-xyz' } }, 400, 'aws.instanceId'],
  [
    'addHost',
    {
      ...validHost,
      protocol: 'aws-ec2',
      aws: { instanceId: 'i-0123456789abcdef0', credentials: 'keychain' },
    },
    400,
    'aws.accessKeyId',
  ],
  [
    'addHost',
    { ...validHost, protocol: 'azure-vm', azure: { subscriptionId: 'nope' } },
    400,
    'azure.subscriptionId',
  ],
  ['addHost', { ...validHost, maxSessions: 0 }, 400, 'maxSessions'],
  ['addHost', { ...validHost, certificate: 'abc' }, 400, 'certificate'],
  ['addHost', { ...validHost, id: 'bot-01' }, 409, 'id'],
  ['editHost', { id: 'bot-01', address: 'bad address' }, 400, 'address'],
  ['editHost', { id: 'bot-01', maxSessions: 1.5 }, 400, 'maxSessions'],
  ['editHost', { id: 'bot-01', protocol: 'aws-ec2' }, 400, 'aws'],
  ['editHost', { id: 'bot-01', password: '' }, 400, 'password'],
  // Removing the password would leave its RDP runner without one: refused where the runner is.
  ['editHost', { id: 'bot-01', password: null }, 400, 'runners.0.sessionMode'],
  ['editHost', { id: 'bot-01', address: null }, 400, 'address'],
  ['editHost', { id: 'bot-01', colour: 'red' }, 400, '(root)'],
  ['editHost', { id: 'nope', maxSessions: 2 }, 404],
  ['removeHost', { id: 'nope' }, 404],
  ['removeHost', { id: 'bot-01' }, 409],
  ['listRunners', { host: 'bot-01' }, 400, '(root)'],
  ['attachRunner', { id: 'r2', host: 'bot-01', width: 10 }, 400, 'width'],
  ['attachRunner', { id: 'r2', host: 'bot-01', sessionMode: 'vnc' }, 400, 'sessionMode'],
  ['attachRunner', { id: 'r2', host: 'bot-01', password: '' }, 400, 'password'],
  ['attachRunner', { id: 'r2', host: 'nowhere' }, 400, 'host'],
  ['attachRunner', { id: 'finance-01', host: 'bot-01' }, 409, 'id'],
  ['editRunner', { id: 'finance-01', width: 'wide' }, 400, 'width'],
  ['editRunner', { id: 'finance-01', host: 'nowhere' }, 400, 'host'],
  ['editRunner', { id: 'nope', width: 1024 }, 404],
  ['releaseRunner', { id: 'nope' }, 404],
  ['getSettings', { x: 1 }, 400, '(root)'],
  ['updateSettings', { policy: { idleGraceMinutes: -1 } }, 400, 'policy.idleGraceMinutes'],
  [
    'updateSettings',
    { policy: { keepWarm: [{ days: ['someday'], from: '8', to: '9' }] } },
    400,
    'policy.keepWarm.0.days.0',
  ],
  [
    'updateSettings',
    { notifications: { email: { host: 'smtp.example.com', from: 'not-an-email', to: ['ops@example.com'] } } },
    400,
    'notifications.email.from',
  ],
  [
    'updateSettings',
    { notifications: { webhook: { url: 'ftp://example.com' } } },
    400,
    'notifications.webhook.url',
  ],
  [
    'updateSettings',
    { orchestrator: { server: 'https://x.example.com', login: 'l' } },
    400,
    'orchestrator.key',
  ],
  ['updateSettings', { api: { port: 70000 } }, 400, 'api.port'],
  ['updateSettings', { hosts: [] }, 400, '(root)'],
  ['testHostConnection', {}, 400, 'hostId'],
  ['testHostConnection', { hostId: 'nope' }, 404],
  ['testHostConnection', { host: { ...validHost, address: '' } }, 400, 'host.address'],
  ['sendTestNotification', { sink: 'pager' }, 400, 'sink'],
  ['exportEvents', { format: 'xml' }, 400, 'format'],
  ['listEvents', { kind: 'host.exploded' }, 400, 'kind'],
  ['testOrchestrator', { timeoutSeconds: 0 }, 400, 'timeoutSeconds'],
  ['pause', { force: true }, 400, '(root)'],
  ['resume', { force: true }, 400, '(root)'],
  ['tickNow', { now: 1 }, 400, '(root)'],
  ['thumbnail', {}, 400, 'sessionKey'],
  ['thumbnail', { sessionKey: 'bot-01/bot', maxWidth: 5 }, 400, 'maxWidth'],
  ['eventScreen', {}, 400, 'eventId'],
  ['eventScreen', { eventId: -3 }, 400, 'eventId'],
  ['eventScreen', { eventId: 99 }, 404],
  ['trustCertificate', { hostId: 'bot-01', fingerprint: 'zz' }, 400, 'fingerprint'],
  ['trustCertificate', { hostId: 'nope' }, 404],
  ['trustCertificate', { hostId: 'bot-01' }, 409],
  ['retryHost', { hostId: 'Not An Id!' }, 400, 'hostId'],
  ['retryHost', { hostId: 'nope' }, 404],
  ['retryAllHosts', { all: true }, 400, '(root)'],
];

describe('bad input', () => {
  it.each(cases)(
    '%s %j → %i at %s, and the config file is unchanged',
    async (name, input, status, issuePath) => {
      const before = readFileSync(manager.configStore.path, 'utf8');
      const call = client[name] as (input: unknown) => Promise<unknown>;
      const error = await call(input).then(
        () => undefined,
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(ApiError);
      const apiError = error as ApiError;
      expect(apiError.status).toBe(status);
      expect(apiError.message.length).toBeGreaterThan(0);
      if (issuePath) {
        expect(apiError.issues?.map((issue) => issue.path)).toContain(issuePath);
        for (const issue of apiError.issues ?? []) expect(issue.message.length).toBeGreaterThan(0);
      }
      expect(readFileSync(manager.configStore.path, 'utf8')).toBe(before);
    },
  );

  it('covers every operation of the contract', () => {
    const covered = new Set(cases.map(([name]) => name));
    const all = Object.keys(client).filter((key) => key !== 'subscribeEvents');
    expect(all.filter((name) => !covered.has(name as OperationName))).toEqual([]);
  });
});
