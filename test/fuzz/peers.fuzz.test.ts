import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostSchema, type HostConfig } from '../../src-main/config/schema.js';
import {
  POWER_ERROR_KINDS,
  type PowerErrorKind,
  type PowerResult,
} from '../../src-main/core/power-driver.js';
import { createPowerDriver } from '../../src-main/drivers/power/index.js';
import { createBotCityOrchestrator } from '../../src-main/orchestrators/botcity/index.js';
import { FakeBotCity } from '../fakes/botcity/fake-botcity.js';
import type { FailureRule } from '../fakes/botcity/failures.js';
import { Ec2FakeServer } from '../fakes/ec2/server.js';
import { MemorySecrets } from '../helpers/memory-secrets.js';

/**
 * What the peers answer, fuzzed: the fake BotCity's failure modes on random routes, arbitrary answers
 * from a server that speaks garbage (random status, headers and bodies), and the fake EC2's error codes
 * and garbage XML. The orchestrator client always returns an observation — complete only when what it
 * read was right — and the EC2 driver always returns typed results; neither ever throws.
 */

const POWER_ERRORS: readonly PowerErrorKind[] = POWER_ERROR_KINDS;

/** A server whose next answers are whatever the property says. */
class GarbageServer {
  answer: { status: number; body: string; contentType: string; retryAfter?: string } = {
    status: 200,
    body: '',
    contentType: 'application/json',
  };
  login?: string;
  private server?: Server;
  url = '';
  async listen(): Promise<string> {
    this.server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        if (this.login !== undefined && request.url?.startsWith('/api/v2/workspace/login')) {
          response.writeHead(200, { 'content-type': 'application/json' }).end(this.login);
          return;
        }
        const headers: Record<string, string> = { 'content-type': this.answer.contentType };
        if (this.answer.retryAfter !== undefined) headers['retry-after'] = this.answer.retryAfter;
        response.writeHead(this.answer.status, headers).end(this.answer.body);
      });
    });
    await new Promise<void>((resolve) => this.server!.listen(0, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server!.address() as AddressInfo).port}`;
    return this.url;
  }
  async close() {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()) ?? resolve());
  }
}

const garbageBody = fc.oneof(
  fc.jsonValue({ maxDepth: 4 }).map((value) => JSON.stringify(value)),
  fc.string({ maxLength: 200 }),
  fc.constantFrom(
    '{"content":',
    '{"content":[{"id":1,"state":"RUNNING"}],"last":"yes"}',
    '<Response><Errors>',
    '',
    'null',
    '[]',
    '{"accessToken":1}',
  ),
  fc
    .record({
      content: fc.array(
        fc.record(
          {
            id: fc.oneof(fc.integer(), fc.string()),
            state: fc.constantFrom('START', 'RUNNING', 'X', 1),
            machineId: fc.oneof(fc.string(), fc.constant(null)),
            dateCreation: fc.oneof(fc.integer(), fc.string()),
          },
          { requiredKeys: [] },
        ),
        { maxLength: 3 },
      ),
      last: fc.oneof(fc.boolean(), fc.constant('maybe')),
      totalPages: fc.oneof(fc.nat(), fc.constant(-1)),
    })
    .map((value) => JSON.stringify(value)),
);
const answer = fc.record({
  status: fc.oneof(
    fc.constantFrom(200, 201, 204, 301, 400, 401, 403, 404, 409, 429, 500, 502, 503),
    fc.integer({ min: 200, max: 599 }),
  ),
  body: garbageBody,
  contentType: fc.constantFrom('application/json', 'text/html', 'text/xml', 'application/octet-stream'),
  retryAfter: fc.option(
    fc.oneof(fc.constantFrom('0', '1', '-5', 'soon', '99999999'), fc.string({ maxLength: 8 })),
    { nil: undefined },
  ),
});

const orchestratorConfig = (server: string) => ({
  kind: 'botcity' as const,
  server,
  login: 'fuzz',
  key: 'orchestrator-key:fuzz',
  pollSeconds: 15,
});
const fastHttp = { timeoutMs: 2_000, maxAttempts: 1, maxRetryAfterMs: 10, backoffBaseMs: 1, backoffMaxMs: 5 };

describe('the orchestrator client against fuzzed answers', () => {
  const secrets = new MemorySecrets();
  const garbage = new GarbageServer();
  const fake = new FakeBotCity({ login: 'fuzz', key: 'fuzz-key' });
  beforeAll(async () => {
    await secrets.set('orchestrator-key:fuzz', 'fuzz-key');
    await garbage.listen();
    await fake.listen(0);
  });
  afterAll(async () => {
    await garbage.close();
    await fake.close();
  });

  it('garbage from the server: an incomplete observation with a problem, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.boolean(), async (reply, loginWorks) => {
        garbage.answer = reply;
        garbage.login = loginWorks ? JSON.stringify({ accessToken: 't', organizationLabel: 'o' }) : undefined;
        const client = createBotCityOrchestrator(orchestratorConfig(garbage.url), secrets, fastHttp);
        const observation = await client.observe(Date.now());
        if (!observation.complete) expect(observation.problem).toMatch(/\S/);
        else {
          // Only a well-formed page can be complete: every task has an id and one of the two states.
          for (const task of observation.tasks) {
            expect(typeof task.id).toBe('string');
            expect(['queued', 'busy']).toContain(task.state);
          }
        }
      }),
      { numRuns: 150 },
    );
  });

  const failureRule: fc.Arbitrary<FailureRule> = fc.record(
    {
      mode: fc.oneof(
        fc.record({
          kind: fc.constant('rate-limit' as const),
          retryAfterSeconds: fc.integer({ min: 0, max: 5 }),
        }),
        fc.record({ kind: fc.constant('server-error' as const), status: fc.integer({ min: 500, max: 599 }) }),
        fc.constant({ kind: 'malformed-json' as const }),
        fc.constant({ kind: 'bad-shape' as const }),
        fc.constant({ kind: 'drop' as const }),
        fc.record({
          kind: fc.constant('page-shift' as const),
          change: fc.constantFrom('insert' as const, 'remove' as const),
        }),
      ),
      route: fc.constantFrom(
        'POST /api/v2/workspace/login',
        'GET /api/v2/task',
        'GET /api/v2/machine/pagination',
        'GET /api/v2/scheduling',
      ),
      times: fc.integer({ min: 1, max: 3 }),
    },
    { requiredKeys: ['mode'] },
  );

  it('the fake orchestrator’s failure modes: incomplete, or complete and true', async () => {
    await fc.assert(
      fc.asyncProperty(failureRule, fc.nat({ max: 5 }), fc.nat({ max: 5 }), async (rule, queued, running) => {
        fake.reset();
        for (let i = 0; i < queued; i++) fake.createTask({ activityLabel: 'a', machineId: 'r1' });
        for (let i = 0; i < running; i++)
          fake.createTask({ activityLabel: 'a', machineId: 'r1', state: 'RUNNING' });
        const count = () => {
          const tasks = [...fake.state.tasks.values()];
          return [
            tasks.filter((t) => t.state === 'START').length,
            tasks.filter((t) => t.state === 'RUNNING').length,
          ];
        };
        const before = count();
        fake.setFailure(rule);
        const client = createBotCityOrchestrator(orchestratorConfig(fake.url), secrets, {
          ...fastHttp,
          pageSize: 2,
        });
        const observation = await client.observe(Date.now());
        fake.setFailure(undefined);
        if (!observation.complete) {
          expect(observation.problem).toMatch(/\S/);
          return;
        }
        // Complete means true. Without a page-shift nothing moved: exactly the queue as it is. With one, the
        // queue moved while it was read: each task seen existed, in the state it is reported in, at some
        // moment of the read, and none is counted twice.
        const seen = [
          observation.tasks.filter((t) => t.state === 'queued').length,
          observation.tasks.filter((t) => t.state === 'busy').length,
        ];
        if (rule.mode.kind !== 'page-shift') expect(seen).toEqual(before);
        expect(new Set(observation.tasks.map((t) => t.id)).size).toBe(observation.tasks.length);
        for (const task of observation.tasks) {
          const real = fake.state.tasks.get(Number(task.id));
          expect(real, `task ${task.id} exists`).toBeDefined();
          if (task.state === 'busy') expect(real!.dateStartRunning).not.toBeNull();
        }
      }),
      { numRuns: 120 },
    );
  });
});

describe('the EC2 driver against fuzzed answers', () => {
  const secrets = new MemorySecrets();
  const ec2 = new Ec2FakeServer({ secretKeys: { AKIAFUZZFUZZFUZZ0001: 'fuzz-secret' } });
  const garbage = new GarbageServer();
  const host = (n: number): HostConfig =>
    hostSchema.parse({
      id: `h${n}`,
      address: '127.0.0.1',
      protocol: 'aws-ec2',
      user: 'bot',
      password: 'host-password:x',
      aws: {
        instanceId: `i-0000000000000000${n}`,
        region: 'us-east-1',
        credentials: 'keychain',
        accessKeyId: 'AKIAFUZZFUZZFUZZ0001',
        secretAccessKey: 'aws-secret:fuzz',
      },
    });
  const hosts = [host(1), host(2), host(3)];
  let saved: string | undefined;

  beforeAll(async () => {
    saved = process.env.AWS_ENDPOINT_URL_EC2;
    await secrets.set('aws-secret:fuzz', 'fuzz-secret');
    await ec2.listen(0);
    await garbage.listen();
    ec2.world.addInstance({ id: 'i-00000000000000001', state: 'stopped' });
    ec2.world.addInstance({
      id: 'i-00000000000000002',
      state: 'running',
      tags: { 'session-manager:managed': 'true' },
    });
    ec2.world.addInstance({ id: 'i-00000000000000003', state: 'terminated' });
  });
  afterAll(async () => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_EC2;
    else process.env.AWS_ENDPOINT_URL_EC2 = saved;
    await ec2.close();
    await garbage.close();
  });

  /** A driver whose SDK clients talk to `endpoint`, with one attempt per call so a property stays fast. */
  const driverFor = (endpoint: string) => {
    process.env.AWS_ENDPOINT_URL_EC2 = endpoint;
    return createPowerDriver('aws-ec2', { secrets, ec2: { maxAttempts: 1, requestTimeoutMs: 2_000 } });
  };
  const typed = (result: PowerResult) => {
    if (!result.ok) {
      expect(POWER_ERRORS).toContain(result.error);
      expect(result.message).toMatch(/\S/);
    }
  };

  it('injected EC2 errors: unknown states with a problem, typed results, never a throw', async () => {
    const codes = fc.oneof(
      fc.constantFrom(
        'RequestLimitExceeded',
        'InsufficientInstanceCapacity',
        'InternalError',
        'Unavailable',
        'AuthFailure',
        'UnauthorizedOperation',
        'IncorrectInstanceState',
        'InvalidInstanceID.NotFound',
        'InvalidInstanceID.Malformed',
        'ServiceUnavailable',
      ),
      fc.stringMatching(/^[A-Za-z.]{1,30}$/),
    );
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('*', 'DescribeInstances', 'StartInstances', 'StopInstances', 'CreateTags'),
        codes,
        fc.integer({ min: 1, max: 3 }),
        fc.nat({ max: 2 }),
        async (action, code, times, index) => {
          ec2.world.clearFailures();
          ec2.world.fail(action, code, times);
          const driver = driverFor(ec2.url);
          const observation = await driver.observe(hosts);
          expect(observation.hosts.size).toBe(hosts.length);
          if ([...observation.hosts.values()].some((power) => power.state === 'unknown'))
            expect(observation.problems.length).toBeGreaterThan(0);
          typed(await driver.start(hosts[index]!));
          typed(await driver.stop(hosts[index]!));
          ec2.world.clearFailures();
        },
      ),
      { numRuns: 60 },
    );
  });

  it('garbage answers: unknown states with a problem, typed results, never a throw', async () => {
    await fc.assert(
      fc.asyncProperty(answer, fc.nat({ max: 2 }), async (reply, index) => {
        garbage.login = undefined;
        garbage.answer = reply;
        const driver = driverFor(garbage.url);
        const observation = await driver.observe(hosts);
        expect(observation.hosts.size).toBe(hosts.length);
        for (const power of observation.hosts.values()) {
          expect(['on', 'starting', 'stopping', 'off', 'gone', 'unknown']).toContain(power.state);
          // Unknown says why: a problem of the call, or the host's own detail (an answer that left it out).
          if (power.state === 'unknown')
            expect(observation.problems.length > 0 || Boolean(power.detail)).toBe(true);
        }
        typed(await driver.start(hosts[index]!));
        typed(await driver.stop(hosts[index]!));
      }),
      { numRuns: 80 },
    );
  });
});
