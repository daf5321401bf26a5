import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { operationNames, type OperationName } from '../../src-main/api/contract.js';
import { apiErrorBodySchema } from '../../src-main/api/errors.js';
import { EVENTS_STREAM_PATH, httpRoutes, pathParams, sendsBody } from '../../src-main/api/http-routes.js';
import { ConfigStore } from '../../src-main/config/config-store.js';
import { startFuzzService, type FuzzService } from './in-process-service.js';
import { edgyValue, mutate, mutation } from './mutations.js';

/**
 * Every HTTP API operation of the real service wiring (startService, its config file, the real
 * handlers and server), fed random queries, bodies, path parameters and mutations of valid inputs:
 * never a 5xx; every 4xx carries a reason; a refused request leaves the config file byte for byte as
 * it was; an accepted one leaves a file that still loads.
 */

let fuzz: FuzzService;
let base = '';
let configPath = '';
const TOKEN_HEADER: Record<string, string> = {};

beforeAll(async () => {
  fuzz = await startFuzzService();
  base = fuzz.url;
  configPath = fuzz.configPath;
  TOKEN_HEADER.authorization = `Bearer ${fuzz.token}`;
});
afterAll(async () => {
  await fuzz?.close();
});

/** Valid inputs to mutate (operations that reach out to hosts or mail servers are fuzzed with random input only). */
const examples: Partial<Record<OperationName, Record<string, unknown>>> = {
  listEvents: { afterId: 0, limit: 10, hostId: 'bot-01', severity: 'warning', text: 'off', kind: 'host' },
  exportEvents: { format: 'csv', runnerId: 'fin-01', from: 0, to: 2_000_000_000_000 },
  addHost: {
    id: 'bot-02',
    address: '127.0.0.1:2',
    protocol: 'rdp',
    user: 'bot',
    password: 'pw2',
    maxSessions: 2,
  },
  editHost: { id: 'bot-01', name: 'Bot one', maxSessions: 1, idleGraceMinutes: 5 },
  removeHost: { id: 'bot-09' },
  attachRunner: { id: 'fin-02', host: 'bot-01', sessionMode: 'console', width: 1024, height: 768 },
  editRunner: { id: 'fin-01', width: 1280, activities: ['a'] },
  releaseRunner: { id: 'fin-09' },
  updateSettings: { policy: { idleGraceMinutes: 5, maxHostsOn: 2 }, notifications: { desktop: false } },
  trustCertificate: { hostId: 'bot-01', fingerprint: 'ab'.repeat(32) },
  thumbnail: { sessionKey: 'bot-01/bot', maxWidth: 100 },
};

interface Sent {
  status: number;
  body: string;
}

async function call(name: OperationName, input: Record<string, unknown>, rawBody?: string): Promise<Sent> {
  const route = httpRoutes[name];
  let url = route.path;
  const rest = { ...input };
  for (const param of pathParams(route.path)) {
    const value = rest[param];
    delete rest[param];
    url = url.replace(
      `:${param}`,
      encodeURIComponent(
        typeof value === 'string' && value
          ? value
          : typeof value === 'object' && value !== null
            ? JSON.stringify(value) // String() throws on an object without a prototype
            : String(value ?? 'x'),
      ),
    );
  }
  let init: RequestInit = { method: route.method, headers: { ...TOKEN_HEADER } };
  if (sendsBody(route)) {
    init = {
      ...init,
      headers: { ...TOKEN_HEADER, 'content-type': 'application/json' },
      body: rawBody ?? JSON.stringify(rest),
    };
  } else {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(rest))
      query.set(key, typeof value === 'string' ? value : JSON.stringify(value));
    const text = query.toString();
    if (text) url += `?${text}`;
  }
  const response = await fetch(`${base}${url}`, init);
  return { status: response.status, body: Buffer.from(await response.arrayBuffer()).toString('utf8') };
}

async function check(name: OperationName, input: Record<string, unknown>, rawBody?: string): Promise<void> {
  const before = readFileSync(configPath, 'utf8');
  const { status, body } = await call(name, input, rawBody);
  const what = `${name} ${rawBody ?? JSON.stringify(input).slice(0, 300)} → ${status} ${body.slice(0, 300)}`;
  expect(status, what).toBeLessThan(500);
  expect(status, what).toBeGreaterThanOrEqual(200);
  if (status >= 400) {
    // Always the API's error shape, with a message, whatever the input (long path parameters too).
    const error = apiErrorBodySchema.safeParse(JSON.parse(body));
    expect(error.success, what).toBe(true);
    expect(error.data!.message.length, what).toBeGreaterThan(0);
    expect(readFileSync(configPath, 'utf8'), `${what}: the config file changed`).toBe(before);
  } else {
    expect(() => new ConfigStore(configPath).load(), what).not.toThrow();
  }
}

const randomInput = fc.dictionary(
  fc.oneof(
    fc.string({ maxLength: 10 }),
    fc.constantFrom(
      'id',
      'hostId',
      'host',
      'password',
      'limit',
      'afterId',
      'sessionKey',
      'maxWidth',
      'policy',
    ),
  ),
  edgyValue,
  { maxKeys: 5 },
);

/** Operations that would reach real hosts or mail servers when given valid input: random input only. */
const outward = new Set<OperationName>(['testHostConnection', 'sendTestNotification']);

describe('HTTP API fuzzing through the service', () => {
  it.each(operationNames)('%s: random input → never a 5xx, every 4xx with a reason', async (name) => {
    await fc.assert(
      fc.asyncProperty(randomInput, async (input) => {
        if (outward.has(name) && Object.keys(input).length === 0) input = { unexpected: true };
        await check(name, input);
      }),
      { numRuns: 25 },
    );
  });

  it.each(Object.keys(examples) as OperationName[])('%s: mutated valid input', async (name) => {
    await fc.assert(
      fc.asyncProperty(fc.array(mutation, { minLength: 1, maxLength: 3 }), async (mutations) => {
        const input = mutate(examples[name], mutations);
        if (input === null || typeof input !== 'object' || Array.isArray(input)) {
          // A body that is not an object: only bodies can say so.
          if (sendsBody(httpRoutes[name])) await check(name, {}, JSON.stringify(input));
          return;
        }
        await check(name, input as Record<string, unknown>);
      }),
      { numRuns: 25 },
    );
  });

  it('bodies that are not JSON → 400 with a reason', async () => {
    const bodied = operationNames.filter((name) => sendsBody(httpRoutes[name]));
    await fc.assert(
      fc.asyncProperty(fc.constantFrom(...bodied), fc.string({ maxLength: 50 }), async (name, text) => {
        await check(name, { id: 'bot-01', hostId: 'bot-01' }, text);
      }),
      { numRuns: 60 },
    );
  });

  it('the event stream refuses bad parameters with a 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.dictionary(fc.string({ maxLength: 8 }), fc.string({ maxLength: 20 }), { minKeys: 1, maxKeys: 3 }),
        async (query) => {
          const controller = new AbortController();
          const response = await fetch(
            `${base}${EVENTS_STREAM_PATH}?${new URLSearchParams(query).toString()}`,
            {
              headers: TOKEN_HEADER,
              signal: controller.signal,
            },
          );
          controller.abort();
          expect(response.status).toBeLessThan(500);
          const valid =
            Object.keys(query).every((key) => key === 'after') && /^\d{1,15}$/.test(query.after ?? '');
          if (!valid) expect(response.status).toBe(400);
        },
      ),
      { numRuns: 40 },
    );
  });
});
