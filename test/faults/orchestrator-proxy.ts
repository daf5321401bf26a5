import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A pass-through HTTP proxy in front of the fake orchestrator that lets a test act at one exact point
 * of the service's conversation: after the orchestrator answered a request and before the service
 * reads the answer.
 */
export interface OrchestratorProxy {
  url: string;
  /** Runs `hook` once, on the first answer for which `when` holds, before it is passed on. */
  once(
    when: (request: { method: string; url: URL }, body: string) => boolean,
    hook: () => void,
  ): Promise<void>;
  close(): Promise<void>;
}

/** Headers that belong to one connection, not to the request (fetch refuses some of them). */
const HOP_BY_HOP = new Set([
  'host',
  'connection',
  'keep-alive',
  'content-length',
  'transfer-encoding',
  'upgrade',
]);

export async function startOrchestratorProxy(target: string): Promise<OrchestratorProxy> {
  let armed:
    { when: Parameters<OrchestratorProxy['once']>[0]; hook: () => void; done: () => void } | undefined;
  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const url = new URL(request.url ?? '/', target);
      const headers = Object.fromEntries(
        Object.entries(request.headers).filter(
          (entry): entry is [string, string] => typeof entry[1] === 'string' && !HOP_BY_HOP.has(entry[0]),
        ),
      );
      const body = chunks.length ? Buffer.concat(chunks) : undefined;
      fetch(url, { method: request.method ?? 'GET', headers, ...(body ? { body } : {}) })
        .then(async (answer) => {
          const text = await answer.text();
          const current = armed;
          if (current?.when({ method: request.method ?? 'GET', url }, text)) {
            armed = undefined;
            current.hook();
            current.done();
          }
          response.writeHead(answer.status, {
            'content-type': answer.headers.get('content-type') ?? 'application/json',
          });
          response.end(text);
        })
        .catch(() => response.destroy());
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    once: (when, hook) => new Promise<void>((done) => (armed = { when, hook, done })),
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
