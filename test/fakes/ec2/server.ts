import { createHash, createHmac, randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { Ec2World, stateCodes, type Ec2StateName, type FakeInstance } from './world.js';

/**
 * An EC2 Query API server on 127.0.0.1, close enough to the real one for @aws-sdk/client-ec2:
 * form POSTs with Action=..., SigV4 Authorization headers checked for shape and key id, XML answers
 * and `<Response><Errors><Error>` errors as EC2 sends them, states that move with (injected) time,
 * tags, throttling and capacity errors on demand, and a call log. A small /__control/ JSON API
 * drives it from another process.
 */

const XMLNS = 'http://ec2.amazonaws.com/doc/2016-11-15/';
const sigV4 =
  /^AWS4-HMAC-SHA256 Credential=([A-Z0-9]{16,128})\/(\d{8})\/([a-z0-9-]+)\/ec2\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** HTTP status EC2 answers each error code with. */
const errorStatus: Record<string, number> = {
  RequestLimitExceeded: 503,
  InsufficientInstanceCapacity: 500,
  InternalError: 500,
  Unavailable: 503,
  AuthFailure: 401,
  UnauthorizedOperation: 403,
  SignatureDoesNotMatch: 403,
};

const defaultMessages: Record<string, string> = {
  RequestLimitExceeded: 'Request limit exceeded.',
  InsufficientInstanceCapacity:
    'We currently do not have sufficient capacity in the Availability Zone you requested.',
  UnauthorizedOperation: 'You are not authorized to perform this operation.',
};

export interface Ec2FakeOptions {
  world?: Ec2World;
  /** Access key ids the server accepts; empty = any well-formed one. */
  accessKeyIds?: string[];
  /** Secret keys by key id: requests signed with these keys get their SigV4 signature verified. */
  secretKeys?: Record<string, string>;
}

class Ec2Error extends Error {
  constructor(
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export function escapeXml(value: string): string {
  return value.replace(
    /[<>&'"]/g,
    (char) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', "'": '&apos;', '"': '&quot;' })[char]!,
  );
}

const el = (name: string, value: string | number) => `<${name}>${escapeXml(String(value))}</${name}>`;
const stateXml = (name: string, state: Ec2StateName) =>
  `<${name}>${el('code', stateCodes[state])}${el('name', state)}</${name}>`;

function indexed(form: URLSearchParams, prefix: string): string[] {
  const values: string[] = [];
  for (const [key, value] of form)
    if (new RegExp(`^${prefix.replace('.', '\\.')}\\.\\d+$`).test(key)) values.push(value);
  return values;
}

export class Ec2FakeServer {
  readonly world: Ec2World;
  private readonly server: Server;
  private readonly accessKeyIds: Set<string>;
  private readonly secretKeys: Map<string, string>;
  url = '';

  constructor(options: Ec2FakeOptions = {}) {
    this.world = options.world ?? new Ec2World();
    this.accessKeyIds = new Set([...(options.accessKeyIds ?? []), ...Object.keys(options.secretKeys ?? {})]);
    this.secretKeys = new Map(Object.entries(options.secretKeys ?? {}));
    this.server = createServer((request, response) => {
      this.handle(request, response).catch((error: unknown) => {
        response.writeHead(500).end(String(error));
      });
    });
  }

  async listen(port = 0): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(port, '127.0.0.1', resolve));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this.url;
  }

  async close(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** Accepts a key id; with its secret, signatures made with it are verified too. */
  acceptKey(accessKeyId: string, secretKey?: string): void {
    this.accessKeyIds.add(accessKeyId);
    if (secretKey) this.secretKeys.set(accessKeyId, secretKey);
  }

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const body = await readBody(request);
    const path = new URL(request.url ?? '/', 'http://x').pathname;
    if (path.startsWith('/__control/')) return this.control(path, request.method ?? 'GET', body, response);
    const form = new URLSearchParams(body);
    const action = form.get('Action') ?? '';
    const requestId = randomUUID();
    const record = {
      action,
      at: this.world.clock.now(),
      keyId: '',
      instanceIds: [] as string[],
      ...(form.get('Hibernate') === 'true' && { hibernate: true }),
    };
    try {
      record.keyId = this.authenticate(request, body);
      record.instanceIds = [...indexed(form, 'InstanceId'), ...indexed(form, 'ResourceId')];
      const failure = this.world.takeFailure(action);
      if (failure)
        throw new Ec2Error(failure.code, failure.message ?? defaultMessages[failure.code] ?? failure.code);
      const xml = this.act(action, form);
      this.world.calls.push(record);
      response.writeHead(200, { 'content-type': 'text/xml;charset=UTF-8', 'x-amzn-requestid': requestId });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<${action}Response xmlns="${XMLNS}">${el('requestId', requestId)}${xml}</${action}Response>`,
      );
    } catch (error) {
      const { code, message } =
        error instanceof Ec2Error ? error : new Ec2Error('InternalError', 'An internal error has occurred');
      this.world.calls.push({ ...record, error: code });
      response.writeHead(errorStatus[code] ?? 400, { 'content-type': 'text/xml;charset=UTF-8' });
      response.end(
        `<?xml version="1.0" encoding="UTF-8"?>\n<Response><Errors><Error>${el('Code', code)}${el('Message', message)}</Error></Errors>${el('RequestID', requestId)}</Response>`,
      );
    }
  }

  /**
   * Checks the SigV4 header's shape and that the key id is one we know, and the signature itself
   * when the key's secret is known; returns the key id.
   */
  private authenticate(request: IncomingMessage, body: string): string {
    const header = request.headers.authorization ?? '';
    const match = sigV4.exec(header);
    const amzDate = request.headers['x-amz-date'];
    if (!match || typeof amzDate !== 'string')
      throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials');
    const [, keyId, date, region, signedHeaders, signature] = match as unknown as string[];
    if (this.accessKeyIds.size > 0 && !this.accessKeyIds.has(keyId!))
      throw new Ec2Error('AuthFailure', 'AWS was not able to validate the provided access credentials');
    if (!signedHeaders!.split(';').includes('host'))
      throw new Ec2Error('AuthFailure', 'The host header must be signed');
    const secret = this.secretKeys.get(keyId!);
    if (secret) {
      const canonicalHeaders = signedHeaders!
        .split(';')
        .map(
          (name) =>
            `${name}:${String(request.headers[name] ?? '')
              .trim()
              .replace(/\s+/g, ' ')}\n`,
        )
        .join('');
      const payloadHash =
        (request.headers['x-amz-content-sha256'] as string | undefined) ??
        createHash('sha256').update(body).digest('hex');
      const url = new URL(request.url ?? '/', 'http://x');
      const canonicalRequest = [
        request.method,
        url.pathname,
        url.search.slice(1),
        canonicalHeaders,
        signedHeaders,
        payloadHash,
      ].join('\n');
      const scope = `${date}/${region}/ec2/aws4_request`;
      const toSign = [
        'AWS4-HMAC-SHA256',
        amzDate,
        scope,
        createHash('sha256').update(canonicalRequest).digest('hex'),
      ].join('\n');
      const hmac = (key: string | Buffer, data: string) => createHmac('sha256', key).update(data).digest();
      const signingKey = hmac(hmac(hmac(hmac(`AWS4${secret}`, date!), region!), 'ec2'), 'aws4_request');
      if (createHmac('sha256', signingKey).update(toSign).digest('hex') !== signature)
        throw new Ec2Error(
          'SignatureDoesNotMatch',
          'The request signature we calculated does not match the signature you provided.',
        );
    }
    return keyId!;
  }

  private act(action: string, form: URLSearchParams): string {
    switch (action) {
      case 'DescribeInstances':
        return this.describeInstances(form);
      case 'StartInstances':
        return this.changeState(form, 'start');
      case 'StopInstances':
        return this.changeState(form, 'stop');
      case 'CreateTags':
        return this.createTags(form);
      default:
        throw new Ec2Error('InvalidAction', `The action ${action} is not valid for this web service.`);
    }
  }

  private existing(ids: string[]): FakeInstance[] {
    const missing = ids.filter((id) => !this.world.get(id));
    if (missing.length === 1)
      throw new Ec2Error('InvalidInstanceID.NotFound', `The instance ID '${missing[0]}' does not exist`);
    if (missing.length > 1)
      throw new Ec2Error(
        'InvalidInstanceID.NotFound',
        `The instance IDs '${missing.join(', ')}' do not exist`,
      );
    return ids.map((id) => this.world.get(id)!);
  }

  private describeInstances(form: URLSearchParams): string {
    const ids = indexed(form, 'InstanceId');
    const maxResults = form.get('MaxResults');
    if (ids.length > 0 && maxResults)
      throw new Ec2Error(
        'InvalidParameterCombination',
        'The parameter instancesSet cannot be used with the parameter maxResults',
      );
    let instances =
      ids.length > 0 ? this.existing(ids) : [...this.world.instances.keys()].map((id) => this.world.get(id)!);
    for (let n = 1; form.has(`Filter.${n}.Name`); n++) {
      const values = indexed(form, `Filter.${n}.Value`);
      if (values.length > 200)
        throw new Ec2Error(
          'FilterLimitExceeded',
          'The maximum number of filter values specified on a single call is 200',
        );
      const name = form.get(`Filter.${n}.Name`);
      if (name === 'instance-id') instances = instances.filter((instance) => values.includes(instance.id));
      else if (name === 'instance-state-name')
        instances = instances.filter((instance) => values.includes(instance.state));
      else if (name?.startsWith('tag:'))
        instances = instances.filter((instance) => values.includes(instance.tags[name.slice(4)] ?? '\u0000'));
    }
    let nextToken = '';
    if (ids.length === 0) {
      const start = Number(form.get('NextToken') || 0);
      const size = Math.min(Math.max(Number(maxResults || 1000), 5), 1000);
      if (start + size < instances.length) nextToken = String(start + size);
      instances = instances.slice(start, start + size);
    }
    const items = instances
      .map(
        (instance) =>
          `<item>${el('reservationId', `r-${instance.id.slice(2)}`)}${el('ownerId', '123456789012')}<groupSet/><instancesSet><item>${el('instanceId', instance.id)}${el('imageId', 'ami-0123456789abcdef0')}${stateXml('instanceState', instance.state)}${el('instanceType', 't3.medium')}${instance.privateIp ? el('privateIpAddress', instance.privateIp) : ''}${instance.publicIp ? el('ipAddress', instance.publicIp) : ''}${tagSet(instance.tags)}${instance.hibernationConfigured ? `<hibernationOptions>${el('configured', 'true')}</hibernationOptions>` : ''}</item></instancesSet></item>`,
      )
      .join('');
    return `<reservationSet>${items}</reservationSet>${nextToken ? el('nextToken', nextToken) : ''}`;
  }

  private changeState(form: URLSearchParams, verb: 'start' | 'stop'): string {
    const instances = this.existing(indexed(form, 'InstanceId'));
    const hibernate = verb === 'stop' && form.get('Hibernate') === 'true';
    for (const instance of instances)
      if (hibernate && !instance.hibernationConfigured)
        throw new Ec2Error(
          'UnsupportedHibernationConfiguration',
          `The instance '${instance.id}' is not enabled for hibernation.`,
        );
    // EC2 checks every instance before changing any.
    for (const instance of instances) {
      const allowed =
        verb === 'start'
          ? ['stopped', 'pending', 'running'].includes(instance.state)
          : ['running', 'stopping', 'stopped'].includes(instance.state);
      if (!allowed)
        throw new Ec2Error(
          'IncorrectInstanceState',
          `The instance '${instance.id}' is not in a state from which it can be ${verb === 'start' ? 'started' : 'stopped'}.`,
        );
    }
    const items = instances.map((instance) => {
      const previous = instance.state;
      if (verb === 'start' && previous === 'stopped') this.world.transition(instance, 'pending');
      if (verb === 'stop' && previous === 'running') {
        this.world.transition(instance, 'stopping');
        instance.hibernated = hibernate;
      }
      return `<item>${el('instanceId', instance.id)}${stateXml('currentState', instance.state)}${stateXml('previousState', previous)}</item>`;
    });
    return `<instancesSet>${items.join('')}</instancesSet>`;
  }

  private createTags(form: URLSearchParams): string {
    const instances = this.existing(indexed(form, 'ResourceId'));
    for (const instance of instances)
      for (let n = 1; form.has(`Tag.${n}.Key`); n++)
        instance.tags[form.get(`Tag.${n}.Key`)!] = form.get(`Tag.${n}.Value`) ?? '';
    return el('return', 'true');
  }

  private control(path: string, method: string, body: string, response: ServerResponse): void {
    const send = (status: number, value: unknown) => {
      response.writeHead(status, { 'content-type': 'application/json' });
      response.end(JSON.stringify(value));
    };
    const parsed = body ? controlBody.safeParse(JSON.parse(body)) : controlBody.safeParse({});
    if (!parsed.success) return send(400, { error: parsed.error.message });
    const input = parsed.data;
    switch (`${method} ${path}`) {
      case 'POST /__control/instances':
        for (const instance of input.instances ?? []) this.world.addInstance(instance);
        return send(200, { instances: this.world.instances.size });
      case 'GET /__control/instances':
        return send(
          200,
          [...this.world.instances.keys()].map((id) => this.world.get(id)),
        );
      case 'POST /__control/failures':
        for (const failure of input.failures ?? [])
          this.world.fail(failure.action, failure.code, failure.times ?? 1, failure.message);
        return send(200, { failures: this.world.failures.length });
      case 'DELETE /__control/failures':
        this.world.clearFailures();
        return send(200, { failures: 0 });
      case 'GET /__control/calls': {
        const counts: Record<string, number> = {};
        for (const call of this.world.calls) counts[call.action] = (counts[call.action] ?? 0) + 1;
        return send(200, { total: this.world.calls.length, counts, calls: this.world.calls.slice(-200) });
      }
      case 'POST /__control/keys':
        for (const key of input.accessKeyIds ?? []) this.acceptKey(key);
        for (const [key, secret] of Object.entries(input.secretKeys ?? {})) this.acceptKey(key, secret);
        return send(200, { ok: true });
      case 'POST /__control/transition-ms':
        this.world.transitionMs = input.ms ?? this.world.transitionMs;
        return send(200, { transitionMs: this.world.transitionMs });
      default:
        return send(404, { error: `no control route ${method} ${path}` });
    }
  }
}

const controlBody = z.object({
  instances: z
    .array(
      z.object({
        id: z.string().regex(/^i-[0-9a-f]{8,17}$/),
        state: z.enum(['pending', 'running', 'stopping', 'stopped', 'shutting-down', 'terminated']),
        tags: z.record(z.string(), z.string()).optional(),
        publicIp: z.string().optional(),
        privateIp: z.string().optional(),
        hibernationConfigured: z.boolean().optional(),
      }),
    )
    .optional(),
  failures: z
    .array(
      z.object({
        action: z.string(),
        code: z.string(),
        times: z.number().positive().optional(),
        message: z.string().optional(),
      }),
    )
    .optional(),
  accessKeyIds: z.array(z.string()).optional(),
  secretKeys: z.record(z.string(), z.string()).optional(),
  ms: z.number().min(0).optional(),
});

function tagSet(tags: Record<string, string>): string {
  const items = Object.entries(tags).map(
    ([key, value]) => `<item>${el('key', key)}${el('value', value)}</item>`,
  );
  return items.length ? `<tagSet>${items.join('')}</tagSet>` : '';
}

function readBody(request: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (data: Buffer) => chunks.push(data));
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });
}

/** `npx tsx test/fakes/ec2/server.ts --port N`: runs the fake on its own (wall-clock time). */
async function main(): Promise<void> {
  const portIndex = process.argv.indexOf('--port');
  const port = portIndex > 0 ? Number(process.argv[portIndex + 1]) : 0;
  const server = new Ec2FakeServer();
  const url = await server.listen(port);
  console.log(`listening on ${url}`);
  const stop = () => void server.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) void main();
