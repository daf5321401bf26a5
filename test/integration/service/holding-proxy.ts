import { createServer, request as httpRequest, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An HTTP proxy in front of the fake EC2 that holds the first request matching `holds` until the test
 * releases it: a cloud call that is in flight for exactly as long as the test needs (no timing guess).
 * Every other request passes straight through.
 */
export interface HoldingProxy {
  url: string;
  /** Resolves when the held request has arrived. */
  held: Promise<void>;
  /** Lets the held request through to the fake. */
  release(): void;
  close(): Promise<void>;
}

function readBody(request: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => resolve(Buffer.concat(chunks)));
    request.on('error', reject);
  });
}

export async function startHoldingProxy(
  target: string,
  holds: (body: string) => boolean,
): Promise<HoldingProxy> {
  let arrived!: () => void;
  const held = new Promise<void>((resolve) => (arrived = resolve));
  let release!: () => void;
  const released = new Promise<void>((resolve) => (release = resolve));
  let holding = true;

  const server = createServer((request, response) => {
    void (async () => {
      const body = await readBody(request);
      if (holding && holds(body.toString('utf8'))) {
        holding = false;
        arrived();
        await released;
      }
      // node:http keeps the Host header as signed (SigV4 signs it), which fetch would not.
      const upstream = await new Promise<IncomingMessage>((resolve, reject) => {
        const forward = httpRequest(
          `${target}${request.url ?? '/'}`,
          { method: request.method, headers: request.headers },
          resolve,
        );
        forward.on('error', reject);
        forward.end(body);
      });
      response.writeHead(upstream.statusCode ?? 502, upstream.headers);
      upstream.pipe(response);
    })().catch((error: unknown) => {
      if (!response.headersSent) response.writeHead(502);
      response.end(String(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    held,
    release,
    close: async () => {
      release();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
