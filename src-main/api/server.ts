import fastifyStatic from '@fastify/static';
import Fastify, { type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify';
import { z } from 'zod';
import { asApiError } from './config-writes.js';
import { operationNames, type SessionManagerApi } from './contract.js';
import { ApiError, badRequest } from './errors.js';
import { createSessionManagerApi } from './handlers.js';
import { computeHealth, healthHttpStatus } from './health.js';
import { allowedHostNames, hostAllowed } from './host-check.js';
import {
  EVENTS_STREAM_PATH,
  HEALTH_PATH,
  httpRoutes,
  METRICS_PATH,
  pathParams,
  sendsBody,
  type HttpRoute,
} from './http-routes.js';
import type { ManagerPort } from './manager-port.js';
import { createMetrics } from './metrics.js';
import { bearerToken, tokensMatch } from './token.js';

interface ApiServerOptions {
  port: ManagerPort;
  /** The bearer token every API request must carry (getOrCreateApiToken). */
  token: string;
  /** Address to listen on (config api.bind). */
  bind?: string;
  /** TCP port (config api.port); 0 = any free port. */
  listenPort?: number;
  /** Extra names accepted in the Host header, besides loopback names and a specific bind address. */
  allowedHosts?: string[];
  /** The web console's built files (dist-renderer/), served without a token; absent = API only. */
  staticDir?: string;
  /** pino options or instance for Fastify's logger; false = silent. */
  logger?: boolean | object;
  /** SSE keep-alive comment interval. */
  heartbeatMs?: number;
}

export interface RunningApiServer {
  app: FastifyInstance;
  /** e.g. http://127.0.0.1:7870 */
  url: string;
  /** The console URL with the token in the fragment (never sent to the server, read once by the UI). */
  consoleUrl: string;
  close(): Promise<void>;
}

/** The web console's policy: only its own scripts, styles, images and API; no framing, no forms elsewhere. */
const CONSOLE_CSP = [
  "default-src 'self'",
  "script-src 'self'",
  // Mantine sets style attributes at run time.
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'none'",
].join('; ');

const securityHeaders = {
  'content-security-policy': CONSOLE_CSP,
  'x-content-type-options': 'nosniff',
  'referrer-policy': 'no-referrer',
  'x-frame-options': 'DENY',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Fastify errors (bad JSON, wrong content type, too large) keep their 4xx; the rest are internal. */
function toApiError(error: unknown): ApiError {
  const known = asApiError(error);
  if (known instanceof ApiError) return known;
  if (known instanceof z.ZodError) return badRequest(known);
  const status = (known as { statusCode?: number })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    const message = known instanceof Error ? known.message : 'bad request';
    if (status === 404) return new ApiError('not-found', message);
    return new ApiError('bad-request', message, [{ path: '(body)', message }]);
  }
  return new ApiError('internal', 'Internal error; see the service log');
}

/** Path parameters + (GET/DELETE) query or (POST/PATCH) body → the operation's input. */
function requestInput(route: HttpRoute, request: FastifyRequest): Record<string, unknown> {
  const params = request.params as Record<string, string>;
  let input: Record<string, unknown>;
  if (sendsBody(route)) {
    const body = request.body ?? {};
    if (typeof body !== 'object' || Array.isArray(body) || body === null)
      throw new ApiError('bad-request', '(body): must be a JSON object', [
        { path: '(body)', message: 'must be a JSON object' },
      ]);
    input = { ...(body as Record<string, unknown>) };
  } else {
    input = { ...(request.query as Record<string, unknown>) };
    for (const key of route.numericQuery ?? []) {
      const value = input[key];
      if (typeof value === 'string' && /^-?\d+(\.\d+)?$/.test(value)) input[key] = Number(value);
    }
  }
  for (const name of pathParams(route.path)) {
    if (name in input && input[name] !== params[name])
      throw new ApiError('bad-request', `${name}: must match the URL`, [
        { path: name, message: 'must match the URL' },
      ]);
    input[name] = params[name];
  }
  return input;
}

export async function startApiServer(options: ApiServerOptions): Promise<RunningApiServer> {
  const bind = options.bind ?? '127.0.0.1';
  const app = Fastify({
    logger: options.logger ?? false,
    bodyLimit: 256 * 1024,
    // What the router refuses before any route runs (an over-long path parameter, a malformed URL)
    // is answered in the API's error shape too, with the same headers.
    frameworkErrors: (error, _request, reply: FastifyReply) => {
      const apiError = new ApiError(
        'bad-request',
        error.code === 'FST_ERR_MAX_PARAM_LENGTH'
          ? 'A path parameter is longer than any id can be'
          : `The request URL cannot be read (${error.message})`,
      );
      void reply.headers(securityHeaders).code(apiError.status).send(apiError.toBody());
    },
    // SSE connections are ended in preClose; other keep-alive sockets are closed with the server.
    forceCloseConnections: true,
  });
  const api: SessionManagerApi = createSessionManagerApi(options.port);
  const metrics = createMetrics(options.port);
  const hostNames = allowedHostNames(bind, options.allowedHosts);
  const streams = new Set<() => void>();
  let listeningPort = 0;

  // Browsers may send text/plain cross-site without a preflight; the API speaks JSON only.
  app.removeContentTypeParser('text/plain');

  app.addHook('onRequest', async (request, reply) => {
    reply.headers(securityHeaders);
    if (!hostAllowed(request.headers.host, hostNames, listeningPort)) {
      const error = new ApiError('forbidden', 'Host header not allowed: use localhost or 127.0.0.1');
      return reply.code(error.status).send(error.toBody());
    }
  });

  app.setErrorHandler((error, request, reply) => {
    const apiError = toApiError(error);
    if (apiError.status >= 500) request.log.error({ err: error }, 'request failed');
    return reply.code(apiError.status).send(apiError.toBody());
  });

  const authorized = (request: FastifyRequest) =>
    tokensMatch(bearerToken(request.headers.authorization), options.token);

  // Health: anyone on loopback may ask whether work can be taken; details need the token.
  app.get(HEALTH_PATH, async (request, reply) => {
    const health = computeHealth(options.port.state());
    reply.code(healthHttpStatus(health.status)).header('cache-control', 'no-store');
    return authorized(request) ? health : { status: health.status };
  });

  // Everything registered in this scope needs the bearer token (decided by the matched route, not the URL text).
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (request: FastifyRequest, reply: FastifyReply) => {
      reply.header('cache-control', 'no-store');
      if (!authorized(request)) {
        const error = new ApiError(
          'unauthorized',
          'Missing or wrong bearer token (Authorization: Bearer <token>)',
        );
        return reply
          .code(error.status)
          .header('www-authenticate', 'Bearer realm="session-manager"')
          .send(error.toBody());
      }
    });

    for (const name of operationNames) {
      const route = httpRoutes[name];
      const call = api[name] as (input: unknown) => Promise<unknown>;
      scope.route({
        method: route.method,
        url: route.path,
        handler: async (request, reply) => {
          const result = await call(requestInput(route, request));
          if (route.png) return reply.type('image/png').send(Buffer.from(result as Uint8Array));
          if (route.download) {
            const file = result as { filename: string; mediaType: string; text: string };
            return reply
              .type(file.mediaType)
              .header('content-disposition', `attachment; filename="${file.filename}"`)
              .send(file.text);
          }
          return reply.code(route.creates ? 201 : 200).send(result);
        },
      });
    }

    scope.get(METRICS_PATH, async (_request, reply) =>
      reply.type(metrics.contentType).send(await metrics.render()),
    );

    scope.get(EVENTS_STREAM_PATH, async (request, reply) => {
      const query = request.query as Record<string, unknown>;
      const lastEventId = request.headers['last-event-id'];
      const after = (typeof lastEventId === 'string' ? lastEventId : undefined) ?? query.after;
      const unknownKeys = Object.keys(query).filter((key) => key !== 'after');
      if (unknownKeys.length)
        throw new ApiError('bad-request', `${unknownKeys[0]}: unknown parameter`, [
          { path: unknownKeys[0]!, message: 'unknown parameter' },
        ]);
      if (after !== undefined && (typeof after !== 'string' || !/^\d{1,15}$/.test(after)))
        throw new ApiError('bad-request', 'after: an event id (a whole number)', [
          { path: 'after', message: 'an event id (a whole number)' },
        ]);
      reply.hijack();
      const raw = reply.raw;
      raw.writeHead(200, {
        ...(reply.getHeaders() as Record<string, string>),
        'content-type': 'text/event-stream; charset=utf-8',
        'cache-control': 'no-store',
        connection: 'keep-alive',
        'x-accel-buffering': 'no',
      });
      raw.write('retry: 3000\n: connected\n\n');
      let end = () => {};
      const subscription = api.subscribeEvents(
        { afterId: after === undefined ? undefined : Number(after) },
        (event) => {
          raw.write(`id: ${event.id}\ndata: ${JSON.stringify(event)}\n\n`);
          // A reader that stops reading is dropped; it reconnects with Last-Event-ID and loses nothing.
          if (raw.writableLength > 1024 * 1024) end();
        },
      );
      const heartbeat = setInterval(() => raw.write(': keep-alive\n\n'), options.heartbeatMs ?? 15_000);
      heartbeat.unref();
      end = () => {
        subscription.close();
        clearInterval(heartbeat);
        streams.delete(end);
        if (!raw.writableEnded) raw.end();
      };
      streams.add(end);
      // The response closes when the client goes away (or the server shuts down).
      raw.once('close', end);
    });
  });

  if (options.staticDir) {
    await app.register(fastifyStatic, { root: options.staticDir, index: ['index.html'], wildcard: true });
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0] ?? '';
    // The console's client-side routes load index.html; API paths never do.
    if (
      options.staticDir &&
      request.method === 'GET' &&
      !path.startsWith('/api') &&
      (request.headers.accept ?? '').includes('text/html')
    )
      return reply.sendFile('index.html');
    const error = new ApiError('not-found', `No route ${request.method} ${path}`);
    return reply.code(error.status).send(error.toBody());
  });

  app.addHook('preClose', async () => {
    for (const end of [...streams]) end();
  });

  await app.listen({ host: bind, port: options.listenPort ?? 0 });
  const address = app.server.address();
  listeningPort = typeof address === 'object' && address ? address.port : (options.listenPort ?? 0);
  const hostPart = bind.includes(':') ? `[${bind}]` : bind === '0.0.0.0' ? '127.0.0.1' : bind;
  const url = `http://${bind === '::' ? '[::1]' : hostPart}:${listeningPort}`;
  return {
    app,
    url,
    consoleUrl: `${url}/#token=${encodeURIComponent(options.token)}`,
    close: () => app.close(),
  };
}
