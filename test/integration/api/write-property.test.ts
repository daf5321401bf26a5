import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import { httpRoutes, sendsBody } from '../../../src-main/api/http-routes.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { FakeManager } from './fake-manager.js';
import { request } from './http.js';

const TOKEN = 'property-token';
let manager: FakeManager;
let server: RunningApiServer;
let host: string;
const createdRefs = new Set<string>();

beforeAll(async () => {
  manager = new FakeManager();
  server = await startApiServer({ port: manager, token: TOKEN });
  host = new URL(server.url).host;
  const headers = { authorization: `Bearer ${TOKEN}`, host, 'content-type': 'application/json' };
  await request(`${server.url}/api/hosts`, {
    method: 'POST',
    headers,
    body: JSON.stringify({
      id: 'bot-01',
      address: '127.0.0.1',
      protocol: 'rdp',
      user: 'bot',
      password: 'pw',
    }),
  });
  await request(`${server.url}/api/runners`, {
    method: 'POST',
    headers,
    body: JSON.stringify({ id: 'r1', host: 'bot-01' }),
  });
});

afterAll(async () => {
  await server?.close();
  for (const ref of refsInUse(manager.configStore.load())) createdRefs.add(ref);
  await manager?.dispose(createdRefs);
});

/** Field names the writes know, so random bodies reach deep into validation, not only "unknown key". */
const knownKeys = [
  'id',
  'name',
  'address',
  'protocol',
  'user',
  'domain',
  'password',
  'maxSessions',
  'certificate',
  'aws',
  'azure',
  'instanceId',
  'region',
  'credentials',
  'secretAccessKey',
  'subscriptionId',
  'clientSecret',
  'host',
  'sessionMode',
  'width',
  'height',
  'activities',
  'policy',
  'idleGraceMinutes',
  'keepWarm',
  'notifications',
  'email',
  'webhook',
  'url',
  'orchestrator',
  'server',
  'login',
  'key',
  'api',
  'port',
  'fingerprint',
  'hostId',
  'sink',
  '__proto__',
  'constructor',
];
const plausible = fc.constantFrom(
  'bot-01',
  'r1',
  'rdp',
  'aws-ec2',
  'azure-vm',
  '127.0.0.1',
  'i-0123456789abcdef0',
  'eu-west-1',
  'keychain',
  'https://example.com',
  'a@b.co',
  'ab'.repeat(32),
  '',
  ' ',
  0,
  -1,
  1,
  1920,
  1e308,
  true,
  null,
  [],
  {},
);
const value: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  node: fc.oneof(
    { depthSize: 'small' },
    plausible,
    fc.jsonValue({ maxDepth: 1 }),
    fc.dictionary(fc.constantFrom(...knownKeys), tie('node'), { maxKeys: 4 }),
  ),
})).node;
const body = fc.oneof(
  fc.dictionary(fc.constantFrom(...knownKeys), value, { maxKeys: 6 }),
  fc.jsonValue({ maxDepth: 2 }),
);

const writeRoutes = Object.entries(httpRoutes).filter(([, route]) => route.method !== 'GET');

describe('random bodies to every write endpoint', () => {
  it.each(writeRoutes)(
    '%s never answers 5xx, and leaves the config file alone when it refuses',
    async (name, route) => {
      const path = route.path
        .replace(':id', name.includes('Runner') ? 'r1' : 'bot-01')
        .replace(':hostId', 'bot-01');
      await fc.assert(
        fc.asyncProperty(body, async (payload) => {
          const before = readFileSync(manager.configStore.path, 'utf8');
          const res = await request(`${server.url}${path}`, {
            method: route.method,
            headers: { authorization: `Bearer ${TOKEN}`, host, 'content-type': 'application/json' },
            body: sendsBody(route) ? JSON.stringify(payload) : undefined,
          });
          expect(res.status, res.text).toBeLessThan(500);
          expect(res.status).toBeGreaterThanOrEqual(200);
          if (res.status >= 400) {
            expect(res.json()).toHaveProperty('error');
            expect(readFileSync(manager.configStore.path, 'utf8')).toBe(before);
          }
        }),
        // Fixed seed: the same cases every run.
        { numRuns: 60, seed: 20261123 },
      );
    },
  );
});
