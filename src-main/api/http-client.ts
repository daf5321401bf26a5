import { createParser } from 'eventsource-parser';
import type { z } from 'zod';
import type { ManagerEvent } from '../core/events.js';
import {
  operationNames,
  operations,
  streams,
  type EventSubscription,
  type OperationName,
  type SessionManagerApi,
} from './contract.js';
import { ApiError, apiErrorBodySchema } from './errors.js';
import { EVENTS_STREAM_PATH, httpRoutes, pathParams, sendsBody } from './http-routes.js';

/**
 * SessionManagerApi over HTTP, for the web console (browser) and for scripts (Node): fetch for the
 * operations, a fetch-based SSE reader for events, so the token always travels in the Authorization
 * header and never in a URL.
 */

interface HttpClientOptions {
  /** e.g. http://127.0.0.1:7870; '' in the browser (same origin). */
  baseUrl: string;
  token: string;
  fetch?: typeof fetch;
  /** Wait before reconnecting the event stream (the server's `retry:` overrides it). */
  retryMs?: number;
}

function queryString(input: Record<string, unknown>): string {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(input)) if (value !== undefined) params.set(key, String(value));
  const text = params.toString();
  return text ? `?${text}` : '';
}

async function errorFrom(response: Response): Promise<ApiError> {
  const body: unknown = await response.json().catch(() => undefined);
  const parsed = apiErrorBodySchema.safeParse(body);
  if (parsed.success) return ApiError.fromBody(parsed.data);
  return new ApiError(response.status >= 500 ? 'internal' : 'bad-request', `HTTP ${response.status}`);
}

export function createHttpClient(options: HttpClientOptions): SessionManagerApi {
  const doFetch = options.fetch ?? globalThis.fetch.bind(globalThis);
  const headers = (extra: Record<string, string> = {}) => ({
    authorization: `Bearer ${options.token}`,
    ...extra,
  });

  async function call(name: OperationName, input: unknown): Promise<unknown> {
    const route = httpRoutes[name];
    const rest: Record<string, unknown> = { ...((input as Record<string, unknown> | undefined) ?? {}) };
    let path = route.path;
    for (const param of pathParams(route.path)) {
      const value = rest[param];
      if (typeof value !== 'string' || value === '')
        throw new ApiError('bad-request', `${param}: required`, [{ path: param, message: 'required' }]);
      path = path.replace(`:${param}`, encodeURIComponent(value));
      delete rest[param];
    }
    const withBody = sendsBody(route);
    const hasBody = withBody && Object.keys(rest).length > 0;
    const response = await doFetch(`${options.baseUrl}${path}${withBody ? '' : queryString(rest)}`, {
      method: route.method,
      headers: headers(hasBody ? { 'content-type': 'application/json' } : {}),
      ...(hasBody ? { body: JSON.stringify(rest) } : {}),
    });
    if (!response.ok) throw await errorFrom(response);
    const output = operations[name].output as z.ZodType;
    const value = route.png
      ? new Uint8Array(await response.arrayBuffer())
      : route.download
        ? await downloaded(response)
        : await response.json();
    const parsed = output.safeParse(value);
    if (!parsed.success)
      throw new ApiError('internal', `${name}: the server's reply does not match the contract`);
    return parsed.data;
  }

  function subscribeEvents(
    input: z.input<typeof streams.events.input>,
    onEvent: (event: ManagerEvent) => void,
    onError?: (error: Error) => void,
  ): EventSubscription {
    const controller = new AbortController();
    let lastId = input.afterId;
    let retryMs = options.retryMs ?? 3000;

    const parser = createParser({
      onEvent(message) {
        const parsed = streams.events.item.safeParse(JSON.parse(message.data));
        if (!parsed.success) return onError?.(new Error('an event did not match the contract'));
        lastId = parsed.data.id;
        onEvent(parsed.data);
      },
      onRetry(ms) {
        retryMs = ms;
      },
    });

    async function readOnce(): Promise<void> {
      const response = await doFetch(
        `${options.baseUrl}${EVENTS_STREAM_PATH}${queryString({ after: lastId })}`,
        { headers: headers({ accept: 'text/event-stream' }), signal: controller.signal },
      );
      if (!response.ok || !response.body) throw await errorFrom(response);
      parser.reset();
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        parser.feed(value);
      }
    }

    void (async () => {
      while (!controller.signal.aborted) {
        try {
          await readOnce();
        } catch (error) {
          if (controller.signal.aborted) return;
          const failure = error instanceof Error ? error : new Error(String(error));
          onError?.(failure);
          // Wrong token, bad Host, bad input: retrying cannot help.
          if (failure instanceof ApiError && failure.status < 500) return;
        }
        if (controller.signal.aborted) return;
        await new Promise((resolve) => setTimeout(resolve, retryMs));
      }
    })();

    return { close: () => controller.abort() };
  }

  const api = { subscribeEvents } as Partial<SessionManagerApi> & Pick<SessionManagerApi, 'subscribeEvents'>;
  for (const name of operationNames)
    (api as Record<string, unknown>)[name] = (input?: unknown) => call(name, input);
  return api as SessionManagerApi;
}

/** A download route's reply back as the operation's output: the file's name, media type and text. */
async function downloaded(
  response: Response,
): Promise<{ filename: string; mediaType: string; text: string }> {
  const disposition = response.headers.get('content-disposition') ?? '';
  return {
    filename: /filename="([^"]+)"/.exec(disposition)?.[1] ?? 'download',
    mediaType: response.headers.get('content-type') ?? 'application/octet-stream',
    text: await response.text(),
  };
}
