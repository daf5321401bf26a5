import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { EVENTS_STREAM_PATH, httpRoutes, METRICS_PATH } from '../../src-main/api/http-routes.js';
import { faultWorld, type FaultWorld } from '../faults/fault-world.js';
import type { ServiceProcess } from '../helpers/service-process.js';

/**
 * Who can reach the real service's HTTP API: only a client on this machine that holds the token and
 * names the server by a loopback name. No token → 401, a foreign Host (DNS rebinding) → 403, and no
 * CORS headers, so no web page can read a reply.
 */

let world: FaultWorld;
let service: ServiceProcess;
let port: number;

beforeAll(async () => {
  world = await faultWorld('access');
  world.writeConfig({ hosts: [], runners: [] });
  service = await world.start();
  port = Number(new URL(service.url).port);
}, 120_000);
afterAll(async () => {
  await world?.close();
});

interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

/** A raw request, so the Host header can be anything (fetch does not let a caller set it). */
function send(
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: string,
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const request = http.request(
      { host: '127.0.0.1', port, method, path, headers: { host: `127.0.0.1:${port}`, ...headers } },
      (response) => {
        let text = '';
        response.on('data', (chunk: Buffer) => {
          text += chunk.toString();
          // An SSE stream that was let through would never end: take its first bytes.
          if (text.length > 0 && String(response.headers['content-type']).includes('event-stream'))
            request.destroy();
        });
        const done = () =>
          resolve({ status: response.statusCode ?? 0, headers: response.headers, body: text });
        response.on('end', done);
        response.on('close', done);
      },
    );
    request.on('error', reject);
    if (body !== undefined) {
      request.setHeader('content-type', 'application/json');
      request.end(body);
    } else request.end();
  });
}

const routes = [
  ...Object.values(httpRoutes).map((route) => ({
    method: route.method,
    path: route.path.replace(/:(\w+)/g, 'x1'),
    body: route.method === 'POST' || route.method === 'PATCH' ? '{}' : undefined,
  })),
  { method: 'GET', path: METRICS_PATH, body: undefined },
  { method: 'GET', path: EVENTS_STREAM_PATH, body: undefined },
];

describe('the HTTP API of the running service', () => {
  it('listens on loopback only', () => {
    expect(new URL(service.url).hostname).toBe('127.0.0.1');
  });

  it('answers 401 to every route without the token or with a wrong one', async () => {
    for (const route of routes) {
      const attempts: Array<Record<string, string>> = [
        {},
        { authorization: 'Bearer wrong-token' },
        { authorization: service.token }, // the token without "Bearer"
      ];
      for (const headers of attempts) {
        const answer = await send(route.method, route.path, headers, route.body);
        expect(answer.status, `${route.method} ${route.path} ${JSON.stringify(headers)}`).toBe(401);
        expect(answer.headers['www-authenticate']).toMatch(/^Bearer/);
        expect(answer.body).not.toContain(service.token);
      }
    }
  });

  it('answers 403 to a foreign Host header, even with the token (DNS rebinding)', async () => {
    const auth = { authorization: `Bearer ${service.token}` };
    for (const host of [
      'evil.example',
      `evil.example:${port}`,
      `127.0.0.1.nip.io:${port}`,
      `localhost:${port + 1}`,
    ]) {
      for (const route of [...routes, { method: 'GET', path: '/health', body: undefined }]) {
        const answer = await send(route.method, route.path, { ...auth, host }, route.body);
        expect(answer.status, `${host} ${route.method} ${route.path}`).toBe(403);
      }
    }
    // The same request with a loopback name passes.
    expect((await send('GET', '/api/state', { ...auth, host: `localhost:${port}` })).status).toBe(200);
  });

  it('sends no CORS headers, to simple requests or preflights', async () => {
    const origin = { origin: 'https://evil.example' };
    const auth = { authorization: `Bearer ${service.token}` };
    for (const answer of [
      await send('GET', '/api/state', { ...origin, ...auth }),
      await send('GET', '/api/state', origin),
      await send('OPTIONS', '/api/state', {
        ...origin,
        'access-control-request-method': 'GET',
        'access-control-request-headers': 'authorization',
      }),
      await send('OPTIONS', '/api/hosts', { ...origin, 'access-control-request-method': 'POST' }),
    ]) {
      const cors = Object.keys(answer.headers).filter((name) => name.startsWith('access-control-'));
      expect(cors).toEqual([]);
    }
  });

  it('tells an unauthenticated caller of /health only whether it is up', async () => {
    const answer = await send('GET', '/health');
    expect(Object.keys(JSON.parse(answer.body) as object)).toEqual(['status']);
  });

  it('refuses text/plain bodies, which a web page could send without a preflight', async () => {
    const answer = await new Promise<number>((resolve, reject) => {
      const request = http.request(
        {
          host: '127.0.0.1',
          port,
          method: 'POST',
          path: '/api/pause',
          headers: {
            host: `127.0.0.1:${port}`,
            authorization: `Bearer ${service.token}`,
            'content-type': 'text/plain',
          },
        },
        (response) => {
          response.resume();
          resolve(response.statusCode ?? 0);
        },
      );
      request.on('error', reject);
      request.end('{}');
    });
    expect(answer).toBe(400); // Fastify's 415 for the unknown content type, as the API's bad-request
    expect((await service.api.getState()).paused).toBe(false);
  });
});
