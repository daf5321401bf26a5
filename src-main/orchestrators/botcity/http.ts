import type { z } from 'zod';
import { parseRetryAfter } from '../../lib/retry-after.js';
import { backoffDelay } from './backoff.js';
import { BotCityError, classifyFetchError } from './errors.js';
import { Limiter } from './limiter.js';

export interface HttpOptions {
  /** The server, e.g. https://developers.botcity.dev (one trailing slash is stripped). */
  baseUrl: string;
  fetch?: typeof fetch;
  /** Per attempt, covering the whole answer (headers and body). */
  timeoutMs?: number;
  /** Attempts per request on 429, 5xx, timeouts and dropped connections. */
  maxAttempts?: number;
  backoffBaseMs?: number;
  backoffMaxMs?: number;
  /** A Retry-After longer than this is not waited for inside a tick: the request fails as rate-limited. */
  maxRetryAfterMs?: number;
  /** Requests in flight at once. */
  concurrency?: number;
  random?: () => number;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface HttpRequest {
  method: 'GET' | 'POST';
  /** Under the server, e.g. /api/v2/task. */
  path: string;
  query?: Record<string, string | number | undefined>;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface HttpResponse {
  status: number;
  text: string;
  headers: Headers;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** fetch with a timeout, bounded concurrency, 429/Retry-After and back-off with jitter on transient failures. */
export class HttpClient {
  readonly baseUrl: string;
  /** Every attempt sent, for the observation's request count. */
  requests = 0;
  private readonly fetch: typeof fetch;
  private readonly limiter: Limiter;
  private readonly o: Required<Omit<HttpOptions, 'baseUrl' | 'fetch'>>;

  constructor(options: HttpOptions) {
    this.baseUrl = options.baseUrl.replace(/\/$/, '');
    this.fetch = options.fetch ?? globalThis.fetch;
    this.o = {
      timeoutMs: options.timeoutMs ?? 30_000,
      maxAttempts: options.maxAttempts ?? 3,
      backoffBaseMs: options.backoffBaseMs ?? 500,
      backoffMaxMs: options.backoffMaxMs ?? 10_000,
      maxRetryAfterMs: options.maxRetryAfterMs ?? 30_000,
      concurrency: options.concurrency ?? 4,
      random: options.random ?? Math.random,
      sleep: options.sleep ?? defaultSleep,
      now: options.now ?? Date.now,
    };
    this.limiter = new Limiter(this.o.concurrency);
  }

  url(request: Pick<HttpRequest, 'path' | 'query'>): string {
    const url = new URL(`${this.baseUrl}${request.path}`);
    for (const [name, value] of Object.entries(request.query ?? {}))
      if (value !== undefined) url.searchParams.set(name, String(value));
    return url.toString();
  }

  /** Sends with retries. Returns any final answer below 500 except 429; throws BotCityError otherwise. */
  async send(request: HttpRequest): Promise<HttpResponse> {
    const what = `${request.method} ${request.path}`;
    for (let attempt = 0; ; attempt++) {
      const last = attempt + 1 >= this.o.maxAttempts;
      let failure: BotCityError;
      let waitMs: number | undefined;
      try {
        const response = await this.limiter.run(() => this.attempt(request, what));
        if (response.status === 429) {
          const retryAfterMs = parseRetryAfter(response.headers.get('retry-after'), this.o.now());
          failure = new BotCityError(
            'rate-limited',
            `${what}: rate limited (HTTP 429${retryAfterMs !== undefined ? `, retry after ${Math.ceil(retryAfterMs / 1000)} s` : ''})`,
            { status: 429, retryAfterMs },
          );
          if (retryAfterMs !== undefined) {
            if (retryAfterMs > this.o.maxRetryAfterMs) throw failure;
            // Honour the server's wait, plus a little jitter so clients do not return in step.
            waitMs =
              retryAfterMs + backoffDelay(0, this.o.backoffBaseMs, this.o.backoffBaseMs, this.o.random);
          }
        } else if (response.status >= 500) {
          failure = new BotCityError('server', `${what}: server error (HTTP ${response.status})`, {
            status: response.status,
          });
        } else {
          return response;
        }
      } catch (error) {
        failure = classifyFetchError(error, what, this.o.timeoutMs);
        if (failure.kind === 'rate-limited') throw failure;
        if (failure.kind === 'dns' || failure.kind === 'tls') throw failure; // retrying will not help
      }
      if (last) throw failure;
      await this.o.sleep(
        waitMs ?? backoffDelay(attempt, this.o.backoffBaseMs, this.o.backoffMaxMs, this.o.random),
      );
    }
  }

  private async attempt(request: HttpRequest, what: string): Promise<HttpResponse> {
    this.requests++;
    const signal = AbortSignal.timeout(this.o.timeoutMs);
    const headers: Record<string, string> = { accept: 'application/json', ...request.headers };
    if (request.body !== undefined) headers['content-type'] = 'application/json';
    try {
      const response = await this.fetch(this.url(request), {
        method: request.method,
        headers,
        body: request.body === undefined ? undefined : JSON.stringify(request.body),
        signal,
        redirect: 'error',
      });
      // The timeout covers the body too: a server that stalls mid-answer is a timeout, not a hang.
      const text = await response.text();
      return { status: response.status, text, headers: response.headers };
    } catch (error) {
      throw classifyFetchError(error, what, this.o.timeoutMs);
    }
  }
}

/** Parses a JSON answer with a schema; anything else is a `malformed` error that says what was wrong. */
export function parseJson<T extends z.ZodType>(response: HttpResponse, schema: T, what: string): z.output<T> {
  let value: unknown;
  try {
    value = JSON.parse(response.text);
  } catch {
    throw new BotCityError(
      'malformed',
      `${what}: the answer is not JSON (HTTP ${response.status}, ${response.text.length} bytes)`,
    );
  }
  const result = schema.safeParse(value);
  if (!result.success)
    throw new BotCityError('malformed', `${what}: unexpected answer (${firstIssue(result.error.issues)})`);
  return result.data;
}

/** "content: expected array" — looking into a union's first alternative, where the useful reason is. */
function firstIssue(issues: z.core.$ZodIssue[], prefix: PropertyKey[] = []): string {
  const issue = issues[0];
  if (!issue) return 'invalid';
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union' && issue.errors[0]?.length) return firstIssue(issue.errors[0], path);
  return `${path.length ? path.map(String).join('.') : '(root)'}: ${issue.message}`;
}
