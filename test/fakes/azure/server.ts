import { randomBytes, randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { generateTestTls, testTlsFromEnv } from './tls.js';
import { AzureWorld, type AzurePower, type FakeOperation, type FakeVm } from './world.js';

/**
 * Entra ID and Azure Resource Manager as @azure/identity and @azure/arm-compute see them, over HTTPS
 * on 127.0.0.1: OpenID configuration and the v2.0 token endpoint (client credentials), an App
 * Service style managed identity endpoint, VM list (subscription-wide with statusOnly=true, per
 * resource group), get with instance view, the Tags API (merge), start and deallocate as long-running
 * operations (Azure-AsyncOperation and Location headers), 429 with Retry-After, and a call log.
 */

export const API_VERSION_PATTERN = /^\d{4}-\d{2}-\d{2}(-preview)?$/;

export interface AzureFakeOptions {
  world?: AzureWorld;
  tls?: { cert: string; key: string };
  /** tenantId → clientId → secret accepted by the token endpoint. */
  clients?: Record<string, Record<string, string>>;
  /** The X-IDENTITY-HEADER value the managed identity endpoint expects. */
  identityHeader?: string;
  /** Seconds sent as Retry-After on LRO answers; unset = no header (the client's own interval applies). */
  lroRetryAfterSeconds?: number;
}

class ArmError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
  }
}

const powerDisplay: Record<AzurePower, string> = {
  starting: 'VM starting',
  running: 'VM running',
  stopping: 'VM stopping',
  stopped: 'VM stopped',
  deallocating: 'VM deallocating',
  deallocated: 'VM deallocated',
};

const vmPath =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)(\/start|\/deallocate)?$/i;
const rgListPath =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/i;
const subListPath = /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines$/i;
const tagsPath =
  /^\/subscriptions\/([^/]+)\/resourceGroups\/([^/]+)\/providers\/Microsoft\.Compute\/virtualMachines\/([^/]+)\/providers\/Microsoft\.Resources\/tags\/default$/i;
const operationPath =
  /^\/subscriptions\/([^/]+)\/providers\/Microsoft\.Compute\/locations\/([^/]+)\/(operations|operationResults)\/([^/]+)$/i;

export class AzureFakeServer {
  readonly world: AzureWorld;
  private readonly server: Server;
  private readonly clients: Record<string, Record<string, string>>;
  private readonly tokens = new Set<string>();
  readonly identityHeader: string;
  lroRetryAfterSeconds: number | undefined;
  url = '';

  constructor(options: AzureFakeOptions = {}) {
    this.world = options.world ?? new AzureWorld();
    this.clients = options.clients ?? {};
    this.identityHeader = options.identityHeader ?? randomUUID();
    this.lroRetryAfterSeconds = options.lroRetryAfterSeconds;
    this.server = createServer(options.tls ?? testTlsFromEnv(), (request, response) => {
      this.handle(request, response).catch((error: unknown) => response.writeHead(500).end(String(error)));
    });
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `https://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  addClient(tenantId: string, clientId: string, secret: string): void {
    this.clients[tenantId] = { ...(this.clients[tenantId] ?? {}), [clientId]: secret };
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const url = new URL(request.url ?? '/', this.url);
    const method = request.method ?? 'GET';
    if (url.pathname.startsWith('/__control/')) return this.control(url.pathname, method, body, response);
    let operation = 'unknown';
    try {
      const answer = this.route(url, method, body, request, (name) => (operation = name));
      this.world.calls.push({
        operation,
        method,
        path: url.pathname,
        at: this.world.clock.now(),
        status: answer.status,
      });
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(answer.body === undefined ? '' : JSON.stringify(answer.body));
    } catch (error) {
      const armError =
        error instanceof ArmError ? error : new ArmError(500, 'InternalServerError', String(error));
      this.world.calls.push({
        operation,
        method,
        path: url.pathname,
        at: this.world.clock.now(),
        status: armError.status,
      });
      response.writeHead(armError.status, {
        'content-type': 'application/json',
        'x-ms-failure-cause': 'gateway',
        ...armError.headers,
      });
      const payload =
        operation === 'token'
          ? { error: armError.code, error_description: armError.message, error_codes: [7000215] }
          : { error: { code: armError.code, message: armError.message } };
      response.end(JSON.stringify(payload));
    }
  }

  private route(
    url: URL,
    method: string,
    body: string,
    request: IncomingMessage,
    name: (operation: string) => void,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const path = url.pathname;
    const openid = /^\/([^/]+)\/v2\.0\/\.well-known\/openid-configuration$/.exec(path);
    if (openid && method === 'GET') {
      name('openid-configuration');
      const tenant = openid[1]!;
      const base = `${this.url}/${tenant}`;
      return {
        status: 200,
        body: {
          token_endpoint: `${base}/oauth2/v2.0/token`,
          authorization_endpoint: `${base}/oauth2/v2.0/authorize`,
          end_session_endpoint: `${base}/oauth2/v2.0/logout`,
          device_authorization_endpoint: `${base}/oauth2/v2.0/devicecode`,
          jwks_uri: `${base}/discovery/v2.0/keys`,
          issuer: `${base}/v2.0`,
          token_endpoint_auth_methods_supported: [
            'client_secret_post',
            'private_key_jwt',
            'client_secret_basic',
          ],
          response_types_supported: ['code', 'id_token', 'code id_token', 'id_token token'],
          scopes_supported: ['openid', 'profile', 'email', 'offline_access'],
          tenant_region_scope: 'EU',
        },
      };
    }
    const token = /^\/([^/]+)\/oauth2\/v2\.0\/token$/.exec(path);
    if (token && method === 'POST') {
      name('token');
      this.injected('token');
      const form = new URLSearchParams(body);
      const secret = this.clients[token[1]!]?.[form.get('client_id') ?? ''];
      if (form.get('grant_type') !== 'client_credentials' || !secret || secret !== form.get('client_secret'))
        throw new ArmError(401, 'invalid_client', 'AADSTS7000215: Invalid client secret provided.');
      return { status: 200, body: this.issueToken() };
    }
    if (path === '/msi/token' && method === 'GET') {
      name('token');
      this.injected('token');
      if (request.headers['x-identity-header'] !== this.identityHeader)
        throw new ArmError(401, 'invalid_request', 'The identity header is missing or wrong.');
      const issued = this.issueToken();
      return {
        status: 200,
        body: {
          access_token: issued.access_token,
          expires_on: String(Math.floor(Date.now() / 1000) + 3600),
          resource: url.searchParams.get('resource') ?? '',
          token_type: 'Bearer',
          client_id: url.searchParams.get('client_id') ?? 'system-assigned',
        },
      };
    }
    return this.arm(url, method, body, request, name);
  }

  private issueToken(): {
    token_type: string;
    expires_in: number;
    ext_expires_in: number;
    access_token: string;
  } {
    const accessToken = randomBytes(24).toString('base64url');
    this.tokens.add(accessToken);
    return { token_type: 'Bearer', expires_in: 3599, ext_expires_in: 3599, access_token: accessToken };
  }

  private injected(operation: string): void {
    const failure = this.world.takeFailure(operation);
    if (!failure) return;
    const headers: Record<string, string> = {};
    if (failure.retryAfterMs !== undefined) {
      headers['retry-after'] = String(Math.ceil(failure.retryAfterMs / 1000));
      headers['retry-after-ms'] = String(failure.retryAfterMs);
    }
    throw new ArmError(failure.status, failure.code, failure.message ?? failure.code, headers);
  }

  private arm(
    url: URL,
    method: string,
    body: string,
    request: IncomingMessage,
    name: (operation: string) => void,
  ): { status: number; body?: unknown; headers?: Record<string, string> } {
    const path = url.pathname;
    const bearer = /^Bearer (.+)$/.exec(request.headers.authorization ?? '')?.[1];
    if (!bearer || !this.tokens.has(bearer))
      throw new ArmError(401, 'InvalidAuthenticationToken', 'The access token is invalid.');
    if (!API_VERSION_PATTERN.test(url.searchParams.get('api-version') ?? ''))
      throw new ArmError(
        400,
        'MissingApiVersionParameter',
        'The api-version query parameter (?api-version=) is required for all requests.',
      );

    let match = subListPath.exec(path);
    if (match && method === 'GET') {
      name('listAll');
      this.injected('listAll');
      if (this.world.denySubscriptionList)
        throw new ArmError(
          403,
          'AuthorizationFailed',
          `The client does not have authorization to perform action 'Microsoft.Compute/virtualMachines/read' over scope '/subscriptions/${match[1]}'.`,
        );
      const statusOnly = url.searchParams.get('statusOnly') === 'true';
      const vms = this.world
        .all()
        .filter((vm) => vm.subscriptionId.toLowerCase() === match![1]!.toLowerCase());
      return this.page(url, vms, (vm) => (statusOnly ? this.statusOnlyJson(vm) : this.vmJson(vm, false)));
    }
    match = rgListPath.exec(path);
    if (match && method === 'GET') {
      name('list');
      this.injected('list');
      if (url.searchParams.get('$expand') && !url.searchParams.get('$filter'))
        throw new ArmError(
          400,
          'InvalidParameter',
          "The $expand parameter 'instanceView' requires a valid $filter.",
        );
      const [sub, group] = [match[1]!.toLowerCase(), match[2]!.toLowerCase()];
      const vms = this.world
        .all()
        .filter((vm) => vm.subscriptionId.toLowerCase() === sub && vm.resourceGroup.toLowerCase() === group);
      return this.page(url, vms, (vm) => this.vmJson(vm, false));
    }
    match = tagsPath.exec(path);
    if (match && method === 'PATCH') {
      name('tags');
      this.injected('tags');
      const vm = this.world.get(match[1]!, match[2]!, match[3]!);
      if (!vm)
        throw new ArmError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Compute/virtualMachines/${match[3]}' was not found.`,
        );
      const patch = z
        .object({
          operation: z.enum(['Merge', 'Replace', 'Delete']),
          properties: z.object({ tags: z.record(z.string(), z.string()) }),
        })
        .parse(JSON.parse(body || '{}'));
      if (patch.operation === 'Replace') vm.tags = { ...patch.properties.tags };
      else if (patch.operation === 'Merge') vm.tags = { ...vm.tags, ...patch.properties.tags };
      else for (const key of Object.keys(patch.properties.tags)) delete vm.tags[key];
      return {
        status: 200,
        body: {
          id: `${this.vmId(vm)}/providers/Microsoft.Resources/tags/default`,
          name: 'default',
          type: 'Microsoft.Resources/tags',
          properties: { tags: vm.tags },
        },
      };
    }
    match = vmPath.exec(path);
    if (match) {
      const vm = this.world.get(match[1]!, match[2]!, match[3]!);
      const action = match[4]?.slice(1);
      const operation = action ?? (method === 'PATCH' ? 'update' : 'get');
      name(operation);
      this.injected(operation);
      if (!vm)
        throw new ArmError(
          404,
          'ResourceNotFound',
          `The Resource 'Microsoft.Compute/virtualMachines/${match[3]}' under resource group '${match[2]}' was not found.`,
        );
      if (method === 'GET' && !action)
        return { status: 200, body: this.vmJson(vm, url.searchParams.get('$expand') === 'instanceView') };
      if (method === 'PATCH' && !action) {
        const update = z
          .object({ tags: z.record(z.string(), z.string()).optional() })
          .parse(JSON.parse(body || '{}'));
        if (update.tags) vm.tags = update.tags;
        return { status: 200, body: this.vmJson(vm, false) };
      }
      if (method === 'POST' && (action === 'start' || action === 'deallocate'))
        return this.beginOperation(vm, action, url.searchParams.get('hibernate') === 'true');
    }
    match = operationPath.exec(path);
    if (match && method === 'GET') {
      const operation = this.world.operations.get(match[4]!);
      name('poll');
      this.injected('poll');
      if (!operation) throw new ArmError(404, 'NotFound', 'No such operation.');
      const status = this.operationStatus(operation);
      if (match[3]!.toLowerCase() === 'operationresults')
        return status === 'InProgress'
          ? { status: 202, headers: this.lroHeaders(operation) }
          : status === 'Failed'
            ? { status: 500, body: { error: operation.error } }
            : { status: 200 };
      return {
        status: 200,
        headers: status === 'InProgress' ? this.retryAfterHeader() : {},
        body: {
          name: operation.id,
          status,
          startTime: new Date(operation.doneAt - this.world.transitionMs).toISOString(),
          ...(status === 'Failed' ? { error: operation.error } : {}),
          ...(status === 'Succeeded' ? { endTime: new Date(operation.doneAt).toISOString() } : {}),
        },
      };
    }
    throw new ArmError(404, 'InvalidResourceType', `No route for ${method} ${path}`);
  }

  private page(url: URL, vms: FakeVm[], render: (vm: FakeVm) => unknown): { status: number; body: unknown } {
    const start = Number(url.searchParams.get('$skiptoken') ?? 0);
    const slice = vms.slice(start, start + this.world.pageSize);
    const body: { value: unknown[]; nextLink?: string } = { value: slice.map(render) };
    if (start + this.world.pageSize < vms.length) {
      const next = new URL(url.toString());
      next.searchParams.set('$skiptoken', String(start + this.world.pageSize));
      body.nextLink = next.toString();
    }
    return { status: 200, body };
  }

  /** Start and deallocate: 202 with the headers ARM sends, then the state moves on as time passes. */
  private beginOperation(
    vm: FakeVm,
    kind: 'start' | 'deallocate',
    hibernate = false,
  ): { status: number; headers: Record<string, string> } {
    if (hibernate && !vm.hibernationEnabled)
      throw new ArmError(
        409,
        'OperationNotAllowed',
        `Hibernation is not enabled on VM '${vm.name}': it cannot be hibernated.`,
      );
    const transitional = ['starting', 'stopping', 'deallocating'];
    if (
      transitional.includes(vm.power) &&
      !(kind === 'start' && vm.power === 'starting') &&
      !(kind === 'deallocate' && vm.power === 'deallocating')
    )
      throw new ArmError(
        409,
        'OperationNotAllowed',
        `Operation '${kind}' is not allowed on VM '${vm.name}' since the VM is ${vm.power}.`,
      );
    const failure = this.world.takeFailure(kind, true);
    const operation: FakeOperation = {
      id: randomUUID(),
      vm,
      kind,
      ...(hibernate && { hibernate: true }),
      doneAt: this.world.clock.now() + (this.world.operationMs ?? this.world.transitionMs),
      ...(failure ? { error: { code: failure.code, message: failure.message ?? failure.code } } : {}),
      ...(this.world.hangOperations ? { hang: true } : {}),
    };
    this.world.operations.set(operation.id, operation);
    if (!failure) {
      if (kind === 'start' && vm.power !== 'running') this.world.setPower(vm, 'starting');
      if (kind === 'deallocate' && vm.power !== 'deallocated') this.world.setPower(vm, 'deallocating');
    }
    if (operation.hang) delete vm.settlesAt;
    return { status: 202, headers: this.lroHeaders(operation) };
  }

  private operationStatus(operation: FakeOperation): 'InProgress' | 'Succeeded' | 'Failed' {
    if (operation.hang || this.world.clock.now() < operation.doneAt) return 'InProgress';
    if (operation.error) return 'Failed';
    const final = operation.kind === 'start' ? 'running' : 'deallocated';
    if (operation.vm.power !== final && ['starting', 'deallocating'].includes(operation.vm.power)) {
      this.world.setPower(operation.vm, final);
      if (operation.kind === 'deallocate') operation.vm.hibernated = operation.hibernate === true;
    }
    return 'Succeeded';
  }

  private lroHeaders(operation: FakeOperation): Record<string, string> {
    const base = `${this.url}/subscriptions/${operation.vm.subscriptionId}/providers/Microsoft.Compute/locations/${operation.vm.location}`;
    return {
      'azure-asyncoperation': `${base}/operations/${operation.id}?api-version=2024-11-01`,
      location: `${base}/operationResults/${operation.id}?api-version=2024-11-01`,
      ...this.retryAfterHeader(),
    };
  }

  private retryAfterHeader(): Record<string, string> {
    return this.lroRetryAfterSeconds === undefined
      ? {}
      : { 'retry-after': String(this.lroRetryAfterSeconds) };
  }

  private vmId(vm: FakeVm): string {
    return `/subscriptions/${vm.subscriptionId}/resourceGroups/${vm.resourceGroup}/providers/Microsoft.Compute/virtualMachines/${vm.name}`;
  }

  private instanceView(vm: FakeVm): unknown {
    const transitioning = ['starting', 'stopping', 'deallocating'].includes(vm.power);
    return {
      statuses: [
        {
          code: `ProvisioningState/${transitioning ? 'updating' : 'succeeded'}`,
          level: 'Info',
          displayStatus: transitioning ? 'Updating' : 'Provisioning succeeded',
        },
        { code: `PowerState/${vm.power}`, level: 'Info', displayStatus: powerDisplay[vm.power] },
        ...(vm.power === 'deallocated' && vm.hibernated
          ? [{ code: 'HibernationState/Hibernated', level: 'Info', displayStatus: 'VM hibernated' }]
          : []),
      ],
    };
  }

  /** What ARM answers with statusOnly=true: the run-time status, not the whole model (no tags). */
  private statusOnlyJson(vm: FakeVm): unknown {
    return {
      id: this.vmId(vm),
      name: vm.name,
      type: 'Microsoft.Compute/virtualMachines',
      location: vm.location,
      properties: { instanceView: this.instanceView(vm) },
    };
  }

  private vmJson(vm: FakeVm, withInstanceView: boolean): unknown {
    return {
      id: this.vmId(vm),
      name: vm.name,
      type: 'Microsoft.Compute/virtualMachines',
      location: vm.location,
      tags: vm.tags,
      properties: {
        vmId: randomUUID(),
        provisioningState: 'Succeeded',
        hardwareProfile: { vmSize: 'Standard_B2s' },
        ...(vm.hibernationEnabled ? { additionalCapabilities: { hibernationEnabled: true } } : {}),
        ...(withInstanceView ? { instanceView: this.instanceView(vm) } : {}),
      },
    };
  }

  private control(path: string, method: string, body: string, response: ServerResponse): void {
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const parsed = controlBody.safeParse(body ? JSON.parse(body) : {});
    if (!parsed.success) return send(400, { error: parsed.error.message });
    const input = parsed.data;
    switch (`${method} ${path}`) {
      case 'POST /__control/vms':
        for (const vm of input.vms ?? []) this.world.addVm(vm);
        return send(200, { vms: this.world.vms.size });
      case 'GET /__control/vms':
        return send(200, this.world.all());
      case 'POST /__control/clients':
        for (const client of input.clients ?? [])
          this.addClient(client.tenantId, client.clientId, client.secret);
        return send(200, { ok: true });
      case 'POST /__control/failures':
        for (const failure of input.failures ?? []) this.world.fail(failure);
        return send(200, { failures: this.world.failures.length });
      case 'DELETE /__control/failures':
        this.world.failures = [];
        return send(200, { failures: 0 });
      case 'GET /__control/calls': {
        const counts: Record<string, number> = {};
        for (const call of this.world.calls) counts[call.operation] = (counts[call.operation] ?? 0) + 1;
        return send(200, { total: this.world.calls.length, counts, calls: this.world.calls.slice(-200) });
      }
      default:
        return send(404, { error: `no control route ${method} ${path}` });
    }
  }
}

const controlBody = z.object({
  vms: z
    .array(
      z.object({
        subscriptionId: z.string(),
        resourceGroup: z.string(),
        name: z.string(),
        location: z.string().optional(),
        power: z.enum(['starting', 'running', 'stopping', 'stopped', 'deallocating', 'deallocated']),
        tags: z.record(z.string(), z.string()).optional(),
        hibernationEnabled: z.boolean().optional(),
      }),
    )
    .optional(),
  clients: z.array(z.object({ tenantId: z.string(), clientId: z.string(), secret: z.string() })).optional(),
  failures: z
    .array(
      z.object({
        operation: z.string(),
        status: z.number().int().min(0).max(599),
        code: z.string(),
        message: z.string().optional(),
        times: z.number().positive().optional(),
        retryAfterMs: z.number().min(0).optional(),
      }),
    )
    .optional(),
});

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (data: Buffer) => chunks.push(data));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/**
 * `npx tsx test/fakes/azure/server.ts --port N`: runs the fake on its own with a fresh certificate,
 * and prints the CA bundle to pass as NODE_EXTRA_CA_CERTS to the client process.
 */
async function main(): Promise<void> {
  const portIndex = process.argv.indexOf('--port');
  const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0;
  const tls = generateTestTls();
  const { readFileSync, rmSync } = await import('node:fs');
  const server = new AzureFakeServer({
    tls: { cert: readFileSync(tls.certPath, 'utf8'), key: readFileSync(tls.keyPath, 'utf8') },
  });
  const url = await server.listen(port);
  console.log(`listening on ${url}`);
  console.log(`NODE_EXTRA_CA_CERTS=${tls.caBundlePath}`);
  console.log(`IDENTITY_ENDPOINT=${url}/msi/token IDENTITY_HEADER=${server.identityHeader}`);
  const stop = () =>
    void server.close().then(() => {
      rmSync(tls.dir, { recursive: true, force: true });
      process.exit(0);
    });
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
