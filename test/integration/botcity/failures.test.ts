import { afterEach, describe, expect, it } from 'vitest';
import type { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import type { FailureRule } from '../../fakes/botcity/failures.js';
import { setup } from './harness.js';

let fake: FakeBotCity | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const TASKS = 'GET /api/v2/task';

/** A fake with one queued task, already logged in, then the failure switched on. */
async function failing(rule: FailureRule, clientOptions = {}) {
  // A timeout far above any loopback answer, even on a loaded machine; slow answers are far above it.
  const env = await setup({}, { timeoutMs: 1500, ...clientOptions });
  fake = env.fake;
  env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
  expect((await env.client.observe(env.clock.now())).complete).toBe(true);
  env.fake.clearRequests();
  env.sleeps.length = 0;
  env.fake.setFailure(rule);
  return env;
}

describe('every failure mode yields an incomplete observation, never an empty "idle" one', () => {
  it.each<[string, FailureRule, RegExp]>([
    [
      '500 on every try',
      { mode: { kind: 'server-error', status: 500 }, route: TASKS },
      /server error \(HTTP 500\)/,
    ],
    ['503 on every try', { mode: { kind: 'server-error', status: 503 }, route: TASKS }, /HTTP 503/],
    ['malformed JSON', { mode: { kind: 'malformed-json' }, route: TASKS }, /the answer is not JSON/],
    [
      'valid JSON of the wrong shape',
      { mode: { kind: 'bad-shape' }, route: TASKS },
      /unexpected answer \(content: /,
    ],
    ['a dropped connection', { mode: { kind: 'drop' }, route: TASKS }, /connection was dropped/],
    [
      'a slow answer past the timeout',
      { mode: { kind: 'slow', delayMs: 60_000 }, route: TASKS },
      /no answer within 1.5 s/,
    ],
    [
      'a failing machine listing',
      { mode: { kind: 'server-error', status: 500 }, route: 'GET /api/v2/machine/pagination' },
      /machine\/pagination/,
    ],
  ])('%s', async (_name, rule, problem) => {
    const env = await failing(rule);
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(observation.problem).toMatch(/^Cannot read the BotCity queue: /);
    expect(observation.problem).toMatch(problem);
    expect(observation.tasks).toEqual([]);
    expect(observation.requests).toBeGreaterThan(0);
  });

  it('a malformed schedule listing also makes it incomplete', async () => {
    const env = await setup();
    fake = env.fake;
    env.fake.setFailure({ mode: { kind: 'bad-shape' }, route: 'GET /api/v2/scheduling' });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(observation.problem).toMatch(/scheduling/);
  });

  it('retries 5xx with jittered exponential back-off, then gives up after maxAttempts', async () => {
    const env = await failing(
      { mode: { kind: 'server-error', status: 500 }, route: 'GET /api/v2/machine/pagination' },
      {
        maxAttempts: 4,
        backoffBaseMs: 100,
        backoffMaxMs: 250,
      },
    );
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(env.fake.requestCount('GET /api/v2/machine/pagination')).toBe(4);
    // random() = 0.5 → half of min(cap, base·2^attempt): 50, 100, 125.
    expect(env.sleeps).toEqual([50, 100, 125]);
  });

  it('recovers within the tick when the 500 was transient', async () => {
    const env = await failing({ mode: { kind: 'server-error', status: 500 }, route: TASKS, times: 1 });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    expect(observation.tasks).toHaveLength(1);
    expect(env.sleeps).toEqual([250]);
  });

  it('recovers after a dropped connection and after a timeout', async () => {
    for (const mode of [{ kind: 'drop' as const }, { kind: 'slow' as const, delayMs: 60_000 }]) {
      const env = await failing({ mode, route: TASKS, times: 1 });
      const observation = await env.client.observe(env.clock.now());
      expect(observation.complete).toBe(true);
      expect(observation.tasks).toHaveLength(1);
      await env.fake.close();
    }
  });

  it('429 honours Retry-After, then succeeds', async () => {
    const env = await failing({ mode: { kind: 'rate-limit', retryAfterSeconds: 2 }, route: TASKS, times: 1 });
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    // 2 s from the server, plus jitter of at most one base delay (random() = 0.5 → 250 ms).
    expect(env.sleeps).toEqual([2250]);
  });

  it('a Retry-After longer than a tick is not waited for: no request until it has passed', async () => {
    const env = await failing({ mode: { kind: 'rate-limit', retryAfterSeconds: 120 }, times: 1 });
    const first = await env.client.observe(env.clock.now());
    expect(first.complete).toBe(false);
    expect(first.problem).toMatch(/rate limited \(HTTP 429, retry after 120 s\)/);
    expect(env.sleeps).toEqual([]);
    env.fake.clearRequests();
    env.clock.advance(60_000);
    const quiet = await env.client.observe(env.clock.now());
    expect(quiet).toMatchObject({ complete: false, requests: 0 });
    expect(quiet.problem).toMatch(/asked to wait/);
    expect(env.fake.requestCount()).toBe(0);
    env.clock.advance(60_000);
    expect((await env.client.observe(env.clock.now())).complete).toBe(true);
  });

  it('a server that is gone: connection refused, incomplete', async () => {
    const env = await setup();
    await env.fake.close();
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(observation.problem).toMatch(/connection refused/);
  });

  it('a failed alert throws a BotCityError naming the status', async () => {
    const env = await failing(
      { mode: { kind: 'server-error', status: 502 }, route: 'POST /api/v2/alerts' },
      { maxAttempts: 1 },
    );
    await expect(env.client.alert({ title: 't', message: 'm', type: 'WARN' })).rejects.toThrow(/HTTP 502/);
    expect(env.fake.alerts).toEqual([]);
  });
});
