import { afterEach, describe, expect, it } from 'vitest';
import type { FakeBotCity } from '../../fakes/botcity/fake-botcity.js';
import { KEY, KEY_REF, setup } from './harness.js';

let fake: FakeBotCity | undefined;
afterEach(async () => {
  await fake?.close();
  fake = undefined;
});

const LOGIN = 'POST /api/v2/workspace/login';
const unauthorized = (f: FakeBotCity) => f.requests.filter((r) => r.status === 401).length;

describe('BotCity login and tokens', () => {
  it('logs in once and reuses the token tick after tick', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 5; i++) {
      expect((await env.client.observe(env.clock.now())).complete).toBe(true);
      env.clock.advance(15_000);
    }
    expect(env.fake.requestCount(LOGIN)).toBe(1);
  });

  it('after the server expires the token: exactly one re-login, though every parallel read got 401', async () => {
    const env = await setup();
    fake = env.fake;
    env.fake.createTask({ activityLabel: 'a', machineId: 'bot-01' });
    await env.client.observe(env.clock.now());
    env.fake.expireTokens();
    env.fake.clearRequests();

    const observation = await env.client.observe(env.clock.now());

    expect(observation.complete).toBe(true);
    expect(observation.tasks).toHaveLength(1);
    expect(unauthorized(env.fake)).toBe(4); // START, RUNNING, TIMEOUT and machines, sent in parallel
    expect(env.fake.requestCount(LOGIN)).toBe(1);
    expect(observation.requests).toBe(env.fake.requestCount());
  });

  it('one re-login per expiry, not per call, over many expiries', async () => {
    const env = await setup();
    fake = env.fake;
    for (let i = 0; i < 4; i++) {
      await env.client.observe(env.clock.now());
      env.fake.expireTokens();
      env.clock.advance(15_000);
    }
    expect(env.fake.requestCount(LOGIN)).toBe(4);
  });

  it('logs in again before the token is an hour old (no 401 needed)', async () => {
    const env = await setup({ tokenTtlMs: 60 * 60_000 });
    fake = env.fake;
    await env.client.observe(env.clock.now());
    env.clock.advance(49 * 60_000);
    await env.client.observe(env.clock.now());
    expect(env.fake.requestCount(LOGIN)).toBe(1);
    env.clock.advance(2 * 60_000); // 51 minutes: past the client's 50-minute limit, before the server's hour
    await env.client.observe(env.clock.now());
    expect(env.fake.requestCount(LOGIN)).toBe(2);
    expect(unauthorized(env.fake)).toBe(0);
  });

  it('a server whose tokens live shorter than expected: one 401 round, one re-login', async () => {
    const env = await setup({ tokenTtlMs: 10 * 60_000 });
    fake = env.fake;
    await env.client.observe(env.clock.now());
    env.clock.advance(11 * 60_000);
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(true);
    expect(env.fake.requestCount(LOGIN)).toBe(2);
  });

  it('concurrent observations share one login', async () => {
    const env = await setup();
    fake = env.fake;
    const results = await Promise.all([0, 1, 2].map(() => env.client.observe(env.clock.now())));
    expect(results.every((r) => r.complete)).toBe(true);
    expect(env.fake.requestCount(LOGIN)).toBe(1);
  });

  it('a refused key makes the observation incomplete and is not retried before the back-off', async () => {
    const env = await setup({ key: 'another-key' });
    fake = env.fake;
    const first = await env.client.observe(env.clock.now());
    expect(first).toMatchObject({ complete: false, tasks: [] });
    expect(first.problem).toMatch(/refused workspace login "ws-login" and its key \(HTTP 401\)/);
    expect(first.problem).not.toContain(KEY);
    env.clock.advance(15_000);
    const second = await env.client.observe(env.clock.now());
    expect(second.complete).toBe(false);
    expect(second.requests).toBe(0);
    expect(env.fake.requestCount(LOGIN)).toBe(1);
    env.clock.advance(60_000);
    await env.client.observe(env.clock.now());
    expect(env.fake.requestCount(LOGIN)).toBe(2);
  });

  it('a 401 with a fresh token is reported, not looped on', async () => {
    const env = await setup();
    fake = env.fake;
    await env.client.observe(env.clock.now());
    // Every token is dead as soon as issued: the client logs in once more, then gives up for this tick.
    env.fake.clearRequests();
    env.fake.tokenTtlMs = 0; // tokens are dead as soon as issued
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(observation.problem).toMatch(/refused with a fresh token \(HTTP 401\)/);
    expect(env.fake.requestCount(LOGIN)).toBe(1);
  });

  it('a key missing from the keychain is reported without any request', async () => {
    const env = await setup();
    fake = env.fake;
    await env.secrets.delete(KEY_REF);
    const observation = await env.client.observe(env.clock.now());
    expect(observation.complete).toBe(false);
    expect(observation.problem).toMatch(/No secret is stored in the keychain for orchestrator-key:botcity/);
    expect(env.fake.requestCount()).toBe(0);
  });
});
