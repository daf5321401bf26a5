import { randomBytes } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { z } from 'zod';
import { handleControl } from './control.js';
import { FailureSwitch, type FailureRule } from './failures.js';
import { FakeState, type FakeMachine, type FakeSchedule, type FakeTask, type NewFakeTask } from './state.js';

/**
 * A fake BotCity Maestro on 127.0.0.1 that follows /work/shared/botcity-orchestrator-api.md: workspace login
 * with a key, `token`/`organization` headers, expiring tokens, Spring paging, the four task states,
 * machines, schedules and alerts, plus switchable failures. Driven in-process (this class) or from another
 * process through /__control/ (see control.ts).
 */
export interface FakeBotCityOptions {
  login?: string;
  key?: string;
  organization?: string;
  /** Tokens older than this answer 401 (default: never, until expireTokens()). */
  tokenTtlMs?: number;
  now?: () => number;
  /** Spring's default page size when `size` is absent. */
  defaultPageSize?: number;
  /** Behave like a server that ignores `stateFilter` (the API document says this is unverified). */
  ignoreStateFilter?: boolean;
  /** Routes ("METHOD /path") this server does not have: they answer 404. */
  missingRoutes?: string[];
  /** `stateFilter` values this server refuses with HTTP 400. */
  refusedStateFilters?: string[];
  /** Answer the login without `organizationLabel` (the SDKs then send the workspace login). */
  omitOrganizationLabel?: boolean;
}

export interface RequestRecord {
  method: string;
  /** "METHOD /path" without query: the key of the per-route counts. */
  route: string;
  url: string;
  status: number;
  at: number;
}

const loginBody = z.object({ login: z.string(), key: z.string() });
const alertBody = z.object({
  taskId: z.union([z.number(), z.string()]).optional(),
  title: z.string().min(1),
  message: z.string(),
  type: z.enum(['INFO', 'WARN', 'ERROR']),
});

export class FakeBotCity {
  readonly login: string;
  readonly key: string;
  readonly organization: string;
  readonly state: FakeState;
  readonly failures = new FailureSwitch();
  readonly requests: RequestRecord[] = [];
  readonly now: () => number;
  tokenTtlMs: number | undefined;
  private readonly tokens = new Map<string, number>();
  private readonly defaultPageSize: number;
  ignoreStateFilter: boolean;
  missingRoutes: string[];
  refusedStateFilters: string[];
  omitOrganizationLabel: boolean;
  private server?: Server;
  private baseUrl?: string;

  constructor(options: FakeBotCityOptions = {}) {
    this.login = options.login ?? 'fake-login';
    this.key = options.key ?? 'fake-key';
    this.organization = options.organization ?? 'fake-org';
    this.tokenTtlMs = options.tokenTtlMs;
    this.now = options.now ?? Date.now;
    this.defaultPageSize = options.defaultPageSize ?? 20;
    this.ignoreStateFilter = options.ignoreStateFilter ?? false;
    this.missingRoutes = options.missingRoutes ?? [];
    this.refusedStateFilters = options.refusedStateFilters ?? [];
    this.omitOrganizationLabel = options.omitOrganizationLabel ?? false;
    this.state = new FakeState(this.now);
  }

  get url(): string {
    if (!this.baseUrl) throw new Error('the fake is not listening');
    return this.baseUrl;
  }

  async listen(port = 0): Promise<string> {
    const server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.reply(req, res, 500, { error: String(error) });
        else res.destroy();
      });
    });
    server.keepAliveTimeout = 1000;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.baseUrl = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    return this.baseUrl;
  }

  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }

  // ---- programmatic API for tests -------------------------------------------------------------

  createTask(input: NewFakeTask): FakeTask {
    return this.state.createTask(input);
  }
  startTask(id: number, machineId?: string): FakeTask {
    return this.state.startTask(id, machineId);
  }
  finishTask(id: number, status?: FakeTask['finishStatus']): FakeTask {
    return this.state.finishTask(id, status);
  }
  cancelTask(id: number): FakeTask {
    return this.state.cancelTask(id);
  }
  setTaskState(id: number, state: string): FakeTask {
    return this.state.setTaskState(id, state);
  }

  setOnline(machineId: string, isOnline: boolean): FakeMachine {
    return this.state.setOnline(machineId, isOnline);
  }
  addSchedule(input: { cron: string; activityLabel: string; machineId?: string | null }): FakeSchedule {
    return this.state.addSchedule(input);
  }
  get alerts() {
    return this.state.alerts;
  }
  /** One failure rule in place of any others; undefined clears them. */
  setFailure(rule: FailureRule | undefined): void {
    this.failures.set(rule);
  }
  /** Every token issued so far answers 401 from now on. */
  expireTokens(): void {
    this.tokens.clear();
  }
  /** Requests received (control routes excluded), optionally for one route such as "GET /api/v2/task". */
  requestCount(route?: string): number {
    return route ? this.requests.filter((r) => r.route === route).length : this.requests.length;
  }
  countsByRoute(): Record<string, number> {
    const counts: Record<string, number> = {};
    for (const record of this.requests) counts[record.route] = (counts[record.route] ?? 0) + 1;
    return counts;
  }
  clearRequests(): void {
    this.requests.length = 0;
  }
  reset(): void {
    this.state.reset();
    this.failures.clear();
    this.tokens.clear();
    this.clearRequests();
  }

  // ---- HTTP ----------------------------------------------------------------------------------

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1');
    const method = req.method ?? 'GET';
    if (url.pathname.startsWith('/__control/')) {
      const body = await readBody(req);
      const answer = handleControl(this, method, url, body);
      res.writeHead(answer.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify(answer.body));
      return;
    }
    const route = `${method} ${url.pathname.replace(/\/\d+$/, '/{id}').replace(/^\/api\/v2\/activity\/(?!pagination$).+$/, '/api/v2/activity/{label}')}`;
    const record: RequestRecord = {
      method,
      route,
      url: url.pathname + url.search,
      status: 0,
      at: this.now(),
    };
    this.requests.push(record);
    const body = await readBody(req);

    const failure = this.failures.take(route, url.searchParams, (mode) => mode.kind !== 'page-shift');
    if (failure?.kind === 'slow') {
      // Wait, but stop waiting when the client gives up (so a closed fake leaves no timer behind).
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, failure.delayMs);
        res.once('close', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      if (res.destroyed || res.writableEnded) {
        record.status = -1;
        return;
      }
    }
    if (failure?.kind === 'drop') {
      record.status = -1;
      req.socket.destroy();
      return;
    } else if (failure?.kind === 'rate-limit') {
      record.status = 429;
      res.writeHead(429, {
        'content-type': 'application/json',
        'retry-after': String(failure.retryAfterSeconds),
      });
      res.end(JSON.stringify({ error: 'Too Many Requests' }));
      return;
    } else if (failure?.kind === 'server-error') {
      record.status = failure.status;
      res.writeHead(failure.status, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ status: failure.status, error: 'Internal Server Error' }));
      return;
    } else if (failure?.kind === 'malformed-json') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"content": [{"id": 1, "state": "STA');
      return;
    } else if (failure?.kind === 'bad-shape') {
      record.status = 200;
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ content: 'not a list', last: 'maybe' }));
      return;
    }
    const answer = this.route(method, url, req, body, route);
    record.status = answer.status;
    res.writeHead(answer.status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(answer.body));
  }

  private reply(req: IncomingMessage, res: ServerResponse, status: number, body: unknown): void {
    void req;
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  private route(
    method: string,
    url: URL,
    req: IncomingMessage,
    body: string,
    route: string,
  ): { status: number; body: unknown } {
    if (this.missingRoutes.includes(route)) return { status: 404, body: { error: 'Not Found' } };
    if (route === 'GET /api/v2/maestro/version') return { status: 200, body: { version: '2.99.0-fake' } };
    if (route === 'POST /api/v2/workspace/login') {
      const parsed = loginBody.safeParse(safeJson(body));
      if (!parsed.success) return { status: 400, body: { error: 'login and key are required' } };
      if (parsed.data.login !== this.login || parsed.data.key !== this.key)
        return { status: 401, body: { error: 'Unauthorized' } };
      const accessToken = randomBytes(24).toString('hex');
      this.tokens.set(accessToken, this.now());
      return {
        status: 200,
        body: this.omitOrganizationLabel
          ? { accessToken, extra: 'ignored' }
          : { accessToken, organizationLabel: this.organization, extra: 'ignored' },
      };
    }
    if (!this.authorized(req)) return { status: 401, body: { error: 'Unauthorized' } };
    if (route === 'GET /api/v2/task') {
      const state = url.searchParams.get('stateFilter');
      if (state && this.refusedStateFilters.includes(state))
        return { status: 400, body: { error: `Unknown state ${state}` } };
      return { status: 200, body: this.taskPage(url, route) };
    }
    if (route === 'GET /api/v2/task/{id}') {
      const task = this.state.tasks.get(Number(url.pathname.split('/').pop()));
      return task
        ? { status: 200, body: serializeTask(task) }
        : { status: 404, body: { error: 'Not Found' } };
    }
    if (route === 'GET /api/v2/activity/{label}') {
      const label = decodeURIComponent(url.pathname.slice('/api/v2/activity/'.length));
      const machines = this.state.activities.get(label);
      return machines
        ? { status: 200, body: { label, name: label, machines } }
        : { status: 404, body: { error: 'Not Found' } };
    }
    if (route === 'GET /api/v2/machine/pagination') {
      const machineId = url.searchParams.get('machineId');
      const isOnline = url.searchParams.get('isOnline');
      const machines = [...this.state.machines.values()]
        .filter((m) => !machineId || m.machineId === machineId)
        .filter((m) => isOnline === null || String(m.isOnline) === isOnline)
        .map((m) => ({ ...m, id: m.machineId, lastSeen: null, type: m.type ?? 'DESKTOP' }));
      return {
        status: 200,
        body: springPage([...machines, ...this.state.raw.machines], url, this.defaultPageSize),
      };
    }
    if (route === 'GET /api/v2/scheduling')
      return {
        status: 200,
        body: springPage([...this.state.schedules, ...this.state.raw.schedules], url, this.defaultPageSize),
      };
    if (route === 'POST /api/v2/alerts') {
      const parsed = alertBody.safeParse(safeJson(body));
      if (!parsed.success) return { status: 400, body: { error: 'invalid alert' } };
      this.state.alerts.push({
        ...parsed.data,
        organization: String(req.headers.organization),
        at: this.now(),
      });
      return { status: 200, body: { id: this.state.alerts.length, ...parsed.data } };
    }
    void method;
    return { status: 404, body: { error: 'Not Found' } };
  }

  private authorized(req: IncomingMessage): boolean {
    const token = req.headers.token;
    const organization = req.headers.organization;
    // Without an organizationLabel in the login answer, clients send the workspace login instead.
    if (typeof token !== 'string' || (organization !== this.organization && organization !== this.login))
      return false;
    const issuedAt = this.tokens.get(token);
    if (issuedAt === undefined) return false;
    if (this.tokenTtlMs !== undefined && this.now() - issuedAt >= this.tokenTtlMs) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  private taskPage(url: URL, route: string): unknown {
    const state = url.searchParams.get('stateFilter');
    const machineId = url.searchParams.get('machineId');
    const activityLabel = url.searchParams.get('activityLabel');
    const ascending = /,asc$/i.test(url.searchParams.get('sort') ?? '');
    const tasks = [...this.state.tasks.values()]
      .filter((t) => !state || this.ignoreStateFilter || t.state === state)
      .filter((t) => !machineId || t.machineId === machineId)
      .filter((t) => !activityLabel || t.activityLabel === activityLabel)
      .sort((a, b) => (ascending ? a.dateCreation - b.dateCreation : b.dateCreation - a.dateCreation));
    const raw = this.state.raw.tasks.filter((record) => {
      const recordState = (record as { state?: unknown } | null)?.state;
      return !state || this.ignoreStateFilter || recordState === state;
    });
    const page = springPage<FakeTask | unknown>([...tasks, ...raw], url, this.defaultPageSize, (item) =>
      raw.includes(item) ? item : serializeTask(item as FakeTask),
    );
    const shift = this.failures.take(route, url.searchParams, (mode) => mode.kind === 'page-shift');
    if (shift?.kind === 'page-shift' && shift.change === 'insert') {
      // Between this page read and the next, a task appears at the front: the next page repeats one.
      this.state.createTask({
        activityLabel: activityLabel ?? 'shift-injected',
        machineId: machineId ?? null,
        state: state ?? 'START',
      });
    } else if (shift?.kind === 'page-shift' && tasks[0]) {
      // The newest task leaves this state (a runner took it, or it finished): the next page skips one.
      const gone = tasks[0];
      if (gone.state === 'START') this.state.startTask(gone.id, gone.machineId ?? 'shift-runner');
      else this.state.finishTask(gone.id);
    }
    return page;
  }
}

function serializeTask(task: FakeTask): Record<string, unknown> {
  const iso = (ms: number | null) => (ms === null ? null : new Date(ms).toISOString());
  return {
    ...task,
    dateCreation: iso(task.dateCreation),
    dateStartRunning: iso(task.dateStartRunning),
    dateLastModified: iso(task.dateLastModified),
    minExecutionDate: iso(task.minExecutionDate),
    totalItems: null,
    processedItems: null,
    userEmail: 'bot@example.com',
  };
}

/** A Spring Data page of `items` for ?page=&size=. */
function springPage<T>(
  items: T[],
  url: URL,
  defaultSize: number,
  serialize: (item: T) => unknown = (item) => item,
): Record<string, unknown> {
  const page = Math.max(0, Number(url.searchParams.get('page') ?? 0) || 0);
  const size = Math.max(1, Number(url.searchParams.get('size') ?? defaultSize) || defaultSize);
  const content = items.slice(page * size, page * size + size).map(serialize);
  const totalPages = Math.ceil(items.length / size);
  return {
    content,
    pageable: { pageNumber: page, pageSize: size, offset: page * size, paged: true, unpaged: false },
    last: page + 1 >= totalPages,
    totalPages,
    totalElements: items.length,
    first: page === 0,
    size,
    number: page,
    numberOfElements: content.length,
    sort: { sorted: true, unsorted: false, empty: false },
    empty: content.length === 0,
  };
}

function safeJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

async function readBody(req: IncomingMessage): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
