import type { ManagerState } from '../../../src-main/core/state.js';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { refsInUse } from '../../../src-main/api/config-writes.js';
import { operations } from '../../../src-main/api/contract.js';
import { EVENTS_STREAM_PATH, httpRoutes } from '../../../src-main/api/http-routes.js';
import { startApiServer, type RunningApiServer } from '../../../src-main/api/server.js';
import { getOrCreateApiToken } from '../../../src-main/api/token.js';
import { FakeManager } from './fake-manager.js';
import { apiErrorBodySchema } from '../../../src-main/api/errors.js';
import { readSse, request } from './http.js';

const PASSWORD = 'canary-host-pw-7f3a91';

let manager: FakeManager;
let server: RunningApiServer;
let token: string;
let host: string;
let staticDir: string;

const auth = () => ({ authorization: `Bearer ${token}`, host });
const json = () => ({ ...auth(), 'content-type': 'application/json' });

beforeAll(async () => {
  manager = new FakeManager();
  token = await getOrCreateApiToken(manager.secrets);
  staticDir = mkdtempSync(path.join(os.tmpdir(), 'sm-console-'));
  writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(path.join(staticDir, 'app.js'), 'console.log(1)');
  server = await startApiServer({ port: manager, token, staticDir, heartbeatMs: 60_000 });
  host = new URL(server.url).host;
});

afterAll(async () => {
  await server?.close();
  await manager?.dispose([...refsInUse(manager.configStore.load()), 'api-token:default']);
  rmSync(staticDir, { recursive: true, force: true });
});

function concretePath(routePath: string): string {
  return routePath.replace(':id', 'bot-01').replace(':hostId', 'bot-01');
}

describe('the HTTP API', () => {
  it('binds to 127.0.0.1 by default', () => {
    expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  });

  it('keeps the API token in the keychain and returns the same one on the next run', async () => {
    expect(await manager.secrets.get('api-token:default')).toBe(token);
    expect(await getOrCreateApiToken(manager.secrets)).toBe(token);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('answers 401 without a token, or with a wrong one, on every API route', async () => {
    const paths = [
      ...Object.values(httpRoutes).map((r) => [r.method, concretePath(r.path)] as const),
      ['GET', '/metrics'] as const,
      ['GET', EVENTS_STREAM_PATH] as const,
    ];
    for (const [method, routePath] of paths) {
      for (const authorization of [undefined, 'Bearer wrong-token', `Basic ${token}`, token]) {
        const res = await request(`${server.url}${routePath}`, {
          method,
          headers: { host, ...(authorization ? { authorization } : {}) },
        });
        expect(res.status, `${method} ${routePath} with ${authorization}`).toBe(401);
        expect(res.headers['www-authenticate']).toBe('Bearer realm="session-manager"');
        expect(res.json()).toMatchObject({ error: 'unauthorized' });
      }
    }
    expect(manager.calls).toEqual([]);
  });

  it('answers 403 to a Host header that is not a loopback name at this port (DNS rebinding)', async () => {
    const port = new URL(server.url).port;
    for (const badHost of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1:${Number(port) + 1}`,
      '10.0.0.1:' + port,
      'localhost',
    ]) {
      const res = await request(`${server.url}/api/state`, { headers: { ...auth(), host: badHost } });
      expect(res.status, badHost).toBe(403);
      expect(res.json()).toMatchObject({ error: 'forbidden' });
    }
    for (const goodHost of [`localhost:${port}`, `127.0.0.1:${port}`, `LOCALHOST:${port}`]) {
      const res = await request(`${server.url}/api/state`, { headers: { ...auth(), host: goodHost } });
      expect(res.status, goodHost).toBe(200);
    }
    const healthRes = await request(`${server.url}/health`, { headers: { host: 'evil.example' } });
    expect(healthRes.status).toBe(403);
  });

  it('never sends CORS headers, even to a preflight with an Origin', async () => {
    const origin = 'https://evil.example';
    const responses = [
      await request(`${server.url}/api/state`, { headers: { ...auth(), origin } }),
      await request(`${server.url}/api/state`, { headers: { host, origin } }),
      await request(`${server.url}/api/hosts`, {
        method: 'OPTIONS',
        headers: {
          host,
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      }),
      await request(`${server.url}/health`, { headers: { host, origin } }),
      await request(`${server.url}/`, { headers: { host, origin } }),
    ];
    for (const res of responses) {
      expect(Object.keys(res.headers).filter((name) => name.startsWith('access-control-'))).toEqual([]);
    }
    expect(responses[2]!.status).toBe(404);
  });

  it('answers unknown routes with a 404 in JSON', async () => {
    const res = await request(`${server.url}/api/nothing-here`, { headers: auth() });
    expect(res.status).toBe(404);
    expect(res.headers['content-type']).toContain('application/json');
    expect(res.json()).toMatchObject({ error: 'not-found' });
  });

  it('answers an over-long path parameter in the API’s error shape, not the router’s', async () => {
    for (const length of [300, 5_000]) {
      const res = await request(`${server.url}/api/hosts/${'h'.repeat(length)}`, {
        method: 'DELETE',
        headers: auth(),
      });
      expect(res.status).toBe(400);
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(apiErrorBodySchema.parse(res.json())).toMatchObject({ error: 'bad-request' });
    }
  });

  it('gives /health without a token only the status; with the token the details', async () => {
    manager.current = {
      ...manager.current,
      hosts: [
        {
          id: 'bot-01',
          name: 'bot-01',
          protocol: 'rdp',
          address: '127.0.0.1',
          power: 'on',
          managed: false,
          stage: 'logged-in',
          failed: false,
          maxSessions: 1,
          runners: ['r1'],
        },
      ],
    };
    const anonymous = await request(`${server.url}/health`, { headers: { host } });
    expect(anonymous.status).toBe(200);
    expect(anonymous.json()).toEqual({ status: 'ok' });
    const detailed = await request(`${server.url}/health`, { headers: auth() });
    expect(detailed.json()).toMatchObject({ status: 'ok', hostsAvailable: 1, hostsTotal: 1, hostsFailed: 0 });
    manager.current = { ...manager.current, hosts: [{ ...manager.current.hosts[0]!, failed: true }] };
    const degraded = await request(`${server.url}/health`, { headers: { host } });
    expect(degraded.status).toBe(503);
    expect(degraded.json()).toEqual({ status: 'degraded' });
    manager.current = { ...manager.current, hosts: [] };
  });

  it('serves the web console without a token, with a strict CSP, and index.html for client routes', async () => {
    const index = await request(`${server.url}/`, { headers: { host } });
    expect(index.status).toBe(200);
    expect(index.text).toContain('<title>console</title>');
    expect(index.headers['content-security-policy']).toContain("default-src 'self'");
    expect(index.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(index.headers['x-content-type-options']).toBe('nosniff');
    expect(index.headers['referrer-policy']).toBe('no-referrer');
    const script = await request(`${server.url}/app.js`, { headers: { host } });
    expect(script.status).toBe(200);
    const route = await request(`${server.url}/hosts/bot-01`, { headers: { host, accept: 'text/html' } });
    expect(route.status).toBe(200);
    expect(route.text).toContain('<title>console</title>');
    expect(server.consoleUrl).toBe(`${server.url}/#token=${encodeURIComponent(token)}`);
  });

  it('adds, lists, edits and removes a host; the password goes to the keychain and never comes back', async () => {
    const added = await request(`${server.url}/api/hosts`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({
        id: 'bot-01',
        address: '127.0.0.1:3390',
        protocol: 'rdp',
        user: 'botuser',
        password: PASSWORD,
      }),
    });
    expect(added.status).toBe(201);
    expect(added.json()).toMatchObject({ id: 'bot-01', hasPassword: true, maxSessions: 1 });
    expect(added.text).not.toContain(PASSWORD);
    const stored = manager.configStore.load().hosts[0]!;
    expect(stored.password).toBe('host-password:bot-01');
    expect(await manager.secrets.get('host-password:bot-01')).toBe(PASSWORD);
    expect(readFileSync(manager.configStore.path, 'utf8')).not.toContain(PASSWORD);

    const edited = await request(`${server.url}/api/hosts/bot-01`, {
      method: 'PATCH',
      headers: json(),
      body: JSON.stringify({ maxSessions: 2, domain: 'CORP' }),
    });
    expect(edited.status).toBe(200);
    expect(edited.json()).toMatchObject({ maxSessions: 2, domain: 'CORP', hasPassword: true });
    const cleared = await request(`${server.url}/api/hosts/bot-01`, {
      method: 'PATCH',
      headers: json(),
      body: JSON.stringify({ domain: null }),
    });
    expect(cleared.json()).not.toHaveProperty('domain');
    expect(await manager.secrets.get('host-password:bot-01')).toBe(PASSWORD);

    const listed = await request(`${server.url}/api/hosts`, { headers: auth() });
    expect(listed.json()).toEqual([expect.objectContaining({ id: 'bot-01', hasPassword: true })]);

    const removed = await request(`${server.url}/api/hosts/bot-01`, { method: 'DELETE', headers: auth() });
    expect(removed.json()).toEqual({ removed: 'bot-01' });
    expect(await manager.secrets.get('host-password:bot-01')).toBeUndefined();
    expect(manager.configStore.load().hosts).toEqual([]);
    expect(manager.configChanges).toBe(4); // add, edit, clear, remove
  });

  it('refuses to remove a host that still has runners, and a runner on a host that does not exist', async () => {
    await request(`${server.url}/api/hosts`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({
        id: 'bot-02',
        address: 'bot-02.example.com',
        protocol: 'rdp',
        user: 'bot',
        password: PASSWORD,
      }),
    });
    const runner = await request(`${server.url}/api/runners`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ id: 'finance-01', host: 'bot-02' }),
    });
    expect(runner.status).toBe(201);
    expect(runner.json()).toMatchObject({ id: 'finance-01', hasPassword: false, width: 1920 });
    const refused = await request(`${server.url}/api/hosts/bot-02`, { method: 'DELETE', headers: auth() });
    expect(refused.status).toBe(409);
    expect(refused.json()).toMatchObject({ error: 'conflict' });
    const orphan = await request(`${server.url}/api/runners`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ id: 'finance-02', host: 'nowhere' }),
    });
    expect(orphan.status).toBe(400);
    expect(orphan.json()).toMatchObject({ issues: [{ path: 'host', message: 'no host with id "nowhere"' }] });
    const duplicate = await request(`${server.url}/api/runners`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({ id: 'finance-01', host: 'bot-02' }),
    });
    expect(duplicate.status).toBe(409);
    expect(duplicate.json()).toMatchObject({ issues: [{ path: 'id' }] });
    expect(
      (await request(`${server.url}/api/runners/finance-01`, { method: 'DELETE', headers: auth() })).json(),
    ).toEqual({
      released: 'finance-01',
    });
    expect(
      (await request(`${server.url}/api/hosts/bot-02`, { method: 'DELETE', headers: auth() })).status,
    ).toBe(200);
  });

  it('Retry: one host (404 for an unknown one), or every host that needs it', async () => {
    const added = await request(`${server.url}/api/hosts`, {
      method: 'POST',
      headers: json(),
      body: JSON.stringify({
        id: 'bot-01',
        address: '127.0.0.1:3390',
        protocol: 'rdp',
        user: 'u',
        password: PASSWORD,
      }),
    });
    expect(added.status).toBe(201);
    const one = await request(`${server.url}/api/hosts/bot-01/retry`, { method: 'POST', headers: auth() });
    expect(one.status).toBe(200);
    expect(one.json()).toEqual({ retried: ['bot-01'] });
    const unknown = await request(`${server.url}/api/hosts/nope/retry`, { method: 'POST', headers: auth() });
    expect(unknown.status).toBe(404);
    manager.current = {
      ...manager.current,
      hosts: [
        { ...hostView('bot-01'), failed: true },
        { ...hostView('bot-02'), failed: false },
      ],
    };
    const all = await request(`${server.url}/api/retry`, { method: 'POST', headers: auth() });
    expect(all.json()).toEqual({ retried: ['bot-01'] });
    expect(manager.retried).toEqual(['bot-01', 'bot-01']);
    // Several instances: a host another instance holds is retried there, not here.
    manager.current = {
      ...manager.current,
      hosts: [
        { ...hostView('bot-01'), failed: true },
        { ...hostView('bot-02'), failed: true },
      ],
      coordination: {
        instanceId: 'here',
        connected: true,
        instances: 2,
        holders: { 'bot-01': 'elsewhere', 'bot-02': 'here' },
      },
    };
    const elsewhere = await request(`${server.url}/api/hosts/bot-01/retry`, {
      method: 'POST',
      headers: auth(),
    });
    expect(elsewhere.status).toBe(409);
    expect(elsewhere.json()).toMatchObject({
      error: 'conflict',
      message: expect.stringContaining('elsewhere'),
    });
    expect((await request(`${server.url}/api/retry`, { method: 'POST', headers: auth() })).json()).toEqual({
      retried: ['bot-02'],
    });
    manager.current = { ...manager.current, hosts: [], coordination: undefined };
    await request(`${server.url}/api/hosts/bot-01`, { method: 'DELETE', headers: auth() });
  });

  it('maps pause, resume, tick and thumbnails onto the manager', async () => {
    const paused = await request(`${server.url}/api/pause`, { method: 'POST', headers: auth() });
    expect(paused.json()).toEqual({ paused: true });
    const resumed = await request(`${server.url}/api/resume`, {
      method: 'POST',
      headers: json(),
      body: '{}',
    });
    expect(resumed.json()).toEqual({ paused: false });
    expect((await request(`${server.url}/api/tick`, { method: 'POST', headers: auth() })).json()).toEqual({
      ok: true,
    });
    const png = Uint8Array.from([0x89, 0x50, 0x4e, 0x47, 1, 2, 3]);
    manager.thumbnails.set('bot-01/botuser', png);
    const thumb = await request(
      `${server.url}/api/thumbnail?sessionKey=${encodeURIComponent('bot-01/botuser')}&maxWidth=200`,
      {
        headers: auth(),
      },
    );
    expect(thumb.status).toBe(200);
    expect(thumb.headers['content-type']).toBe('image/png');
    expect([...thumb.body]).toEqual([...png]);
    const none = await request(`${server.url}/api/thumbnail?sessionKey=nope`, { headers: auth() });
    expect(none.status).toBe(404);
    expect(manager.calls).toEqual([
      'pause',
      'resume',
      'tickNow',
      'thumbnail:bot-01/botuser:200',
      'thumbnail:nope:320',
    ]);
  });

  it('replays events after an id over SSE, then streams new ones', async () => {
    for (let i = 0; i < 5; i++) manager.emit({ kind: 'info', severity: 'info', message: `event ${i}` });
    const ids = manager.events.history().map((e) => e.id);
    const after = ids[2]!;
    const stream = readSse(`${server.url}${EVENTS_STREAM_PATH}?after=${after}`, auth(), 4, () =>
      setImmediate(() => {
        manager.emit({ kind: 'host.started', severity: 'info', message: 'live 1', hostId: 'bot-01' });
        manager.emit({ kind: 'host.stopped', severity: 'info', message: 'live 2', hostId: 'bot-01' });
      }),
    );
    const { status, events, raw } = await stream;
    expect(status).toBe(200);
    expect(raw).toContain('retry: 3000');
    expect(events.map((e) => JSON.parse(e.data).message)).toEqual(['event 3', 'event 4', 'live 1', 'live 2']);
    expect(events.map((e) => Number(e.id))).toEqual(events.map((e) => JSON.parse(e.data).id));
    // The Last-Event-ID header of a reconnecting EventSource wins over ?after=.
    const resumed = await readSse(
      `${server.url}${EVENTS_STREAM_PATH}?after=0`,
      { ...auth(), 'last-event-id': String(ids[4]) },
      2,
    );
    expect(resumed.events.map((e) => JSON.parse(e.data).message)).toEqual(['live 1', 'live 2']);
    await vi.waitFor(() => expect(manager.listenerCount()).toBe(0));
  });

  it('ends open event streams when the server closes, and unsubscribes them', async () => {
    const other = await startApiServer({ port: manager, token });
    const otherHost = new URL(other.url).host;
    const ended = new Promise<string>((resolve, reject) => {
      const req = http.get(
        `${other.url}${EVENTS_STREAM_PATH}`,
        { headers: { authorization: `Bearer ${token}`, host: otherHost } },
        (res) => {
          res.resume();
          res.on('close', () => resolve('closed'));
          setImmediate(() => void other.close());
        },
      );
      req.on('error', reject);
    });
    expect(await ended).toBe('closed');
    expect(manager.listenerCount()).toBe(0);
  });

  it('refuses a bad SSE cursor with 400', async () => {
    const res = await request(`${server.url}${EVENTS_STREAM_PATH}?after=abc`, { headers: auth() });
    expect(res.status).toBe(400);
    expect(res.json()).toMatchObject({ issues: [{ path: 'after' }] });
    const unknown = await request(`${server.url}${EVENTS_STREAM_PATH}?token=${token}`, { headers: auth() });
    expect(unknown.status).toBe(400);
  });

  it('filters the event history by id, host, runner and severity', async () => {
    manager.emit({ kind: 'host.failed', severity: 'error', message: 'boom', hostId: 'bot-09' });
    manager.emit({
      kind: 'session.lost',
      severity: 'warning',
      message: 'lost',
      hostId: 'bot-09',
      runnerId: 'r9',
    });
    const res = await request(`${server.url}/api/events?hostId=bot-09&severity=warning`, { headers: auth() });
    expect((res.json() as Array<{ message: string }>).map((e) => e.message)).toEqual(['boom', 'lost']);
    const byRunner = await request(`${server.url}/api/events?runnerId=r9`, { headers: auth() });
    expect((byRunner.json() as Array<{ message: string }>).map((e) => e.message)).toEqual(['lost']);
    const last = await request(`${server.url}/api/events?limit=1`, { headers: auth() });
    expect((last.json() as Array<{ message: string }>).map((e) => e.message)).toEqual(['lost']);
    const lastId = manager.events.history().at(-1)!.id;
    const none = await request(`${server.url}/api/events?afterId=${lastId}`, { headers: auth() });
    expect(none.json()).toEqual([]);
  });

  it('serves Prometheus metrics in the text format', async () => {
    manager.current = {
      ...manager.current,
      orchestrator: { status: 'ok', skipped: { tasks: 2, runners: 0, schedules: 1 } },
      runners: [
        { id: 'finance-01', hostId: 'bot-01', queued: 3, running: 1, timedOut: 1, sessionMode: 'rdp' },
      ],
      hosts: [
        {
          id: 'bot-01',
          name: 'bot-01',
          protocol: 'aws-ec2',
          address: 'a',
          power: 'on',
          managed: true,
          stage: 'runner-online',
          failed: false,
          maxSessions: 1,
          runners: ['finance-01'],
        },
      ],
      sessions: [
        {
          key: 'bot-01/bot',
          hostId: 'bot-01',
          user: 'bot',
          state: 'open',
          since: 0,
          reconnects: 0,
          width: 1920,
          height: 1080,
        },
      ],
      hostsOn: 1,
      monthlyBudget: {
        month: '2026-12',
        used: 80,
        amount: 100,
        unit: 'money',
        currency: 'EUR',
        fraction: 0.8,
        whenSpent: 'notify',
        unpricedHosts: 0,
      },
    };
    manager.counterValues = {
      ticks: 42,
      errors: 2,
      vmMinutes: { 'bot-01': 12.5 },
      spend: { 'bot-01': 3.75 },
      orchestratorRequests: 84,
      cloudCalls: 7,
      backoffs: 1,
      cloudErrors: {},
    };
    const res = await request(`${server.url}/metrics`, { headers: auth() });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    const lines = res.text.split('\n');
    for (const line of [
      'session_manager_queued_tasks{runner="finance-01"} 3',
      'session_manager_running_tasks{runner="finance-01"} 1',
      'session_manager_timed_out_tasks{runner="finance-01"} 1',
      'session_manager_orchestrator_skipped_records{kind="tasks"} 2',
      'session_manager_orchestrator_skipped_records{kind="schedules"} 1',
      'session_manager_hosts{state="runner-online"} 1',
      'session_manager_hosts{state="off"} 0',
      'session_manager_sessions{state="open"} 1',
      'session_manager_hosts_on 1',
      'session_manager_ticks_total 42',
      'session_manager_errors_total 2',
      'session_manager_vm_minutes_total{host="bot-01"} 12.5',
      'session_manager_spend_total{host="bot-01"} 3.75',
      'session_manager_monthly_budget_used_ratio 0.8',
      'session_manager_orchestrator_requests_total 84',
      'session_manager_cloud_calls_total 7',
      'session_manager_backoffs_total 1',
      '# TYPE session_manager_ticks_total counter',
      '# TYPE session_manager_queued_tasks gauge',
    ])
      expect(lines).toContain(line);
    // Every sample line is `name{labels} value`.
    for (const line of lines.filter((l) => l && !l.startsWith('#')))
      expect(line).toMatch(/^[a-z_]+(\{[a-z_]+="[^"]*"(,[a-z_]+="[^"]*")*\})? -?[0-9.e+]+$/);
    // Scraping twice gives the service's totals, not their sum.
    const again = await request(`${server.url}/metrics`, { headers: auth() });
    expect(again.text.split('\n')).toContain('session_manager_ticks_total 42');
  });

  it('rejects a body that is not JSON, not an object, or too large with 4xx (never 5xx)', async () => {
    const cases = [
      { body: '{not json', type: 'application/json' },
      { body: '[1,2]', type: 'application/json' },
      { body: '"text"', type: 'application/json' },
      { body: 'id=bot', type: 'application/x-www-form-urlencoded' },
      { body: 'hello', type: 'text/plain' },
      { body: JSON.stringify({ id: 'x'.repeat(300_000) }), type: 'application/json' },
    ];
    for (const { body, type } of cases) {
      const res = await request(`${server.url}/api/hosts`, {
        method: 'POST',
        headers: { ...auth(), 'content-type': type },
        body,
      });
      expect(res.status, `${type} ${body.slice(0, 20)}`).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.json()).toHaveProperty('error');
    }
  });

  it('has an HTTP route for every operation of the contract', () => {
    expect(Object.keys(httpRoutes).sort()).toEqual(Object.keys(operations).sort());
  });
});

function hostView(id: string): ManagerState['hosts'][number] {
  return {
    id,
    name: id,
    protocol: 'aws-ec2',
    address: `${id}.example.com`,
    power: 'off',
    managed: false,
    stage: 'off',
    failed: false,
    maxSessions: 1,
    runners: [],
  };
}
