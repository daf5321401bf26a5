import { createServer, type Server } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createTcpProbe } from '../../../src-main/core/readiness.js';

let server: Server | undefined;
afterEach(async () => {
  await new Promise<void>((resolve) => (server ? server.close(() => resolve()) : resolve()));
  server = undefined;
});

describe('TCP readiness probe', () => {
  it('answers true for a listening port and false for a closed one', async () => {
    server = createServer((socket) => socket.destroy());
    await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    // A port that was just free: bind and close to get one nobody listens on.
    const spare = createServer();
    await new Promise<void>((resolve) => spare.listen(0, '127.0.0.1', resolve));
    const closedPort = (spare.address() as { port: number }).port;
    await new Promise<void>((resolve) => spare.close(() => resolve()));

    const result = await createTcpProbe({ timeoutMs: 2_000 }).probe([
      { hostId: 'up', host: '127.0.0.1', port },
      { hostId: 'down', host: '127.0.0.1', port: closedPort },
    ]);
    expect(Object.fromEntries(result)).toEqual({ up: true, down: false });
  });
});
