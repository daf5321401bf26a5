import { createServer, type Server } from 'node:net';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { probeTcp, waitUntilReady } from '../../../src-main/drivers/power/readiness.js';

/** Readiness: RDP port accepts TCP. Real sockets on 127.0.0.1; time is injected, never read. */

const servers: Server[] = [];
afterEach(async () => {
  await Promise.all(servers.splice(0).map((server) => new Promise((resolve) => server.close(resolve))));
});

async function listening(): Promise<number> {
  const server = createServer((socket) => socket.destroy());
  servers.push(server);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as AddressInfo).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A clock that moves only when the code under test sleeps. */
function fakeTime(start = 1_000_000) {
  let now = start;
  return {
    now: () => now,
    sleep: async (ms: number) => {
      now += ms;
    },
  };
}

describe('probeTcp', () => {
  it('is true for a listening port and false for a closed one', async () => {
    expect(await probeTcp('127.0.0.1', await listening(), 1_000)).toBe(true);
    expect(await probeTcp('127.0.0.1', await closedPort(), 1_000)).toBe(false);
  });
});

describe('waitUntilReady', () => {
  it('is ready at the first probe of a listening port and measures start → ready', async () => {
    const time = fakeTime();
    const port = await listening();
    const result = await waitUntilReady(`127.0.0.1:${port}`, time.now() - 42_000, {
      timeoutMs: 60_000,
      ...time,
    });
    expect(result).toEqual({ ready: true, startToReadyMs: 42_000, probes: 1 });
  });

  it('probes at the interval until the port answers', async () => {
    const time = fakeTime();
    const startedAt = time.now();
    const answers = [false, false, false, true];
    const seen: string[] = [];
    const result = await waitUntilReady('bot-01.example.com', startedAt, {
      timeoutMs: 60_000,
      intervalMs: 2_000,
      ...time,
      probe: async (host, port) => {
        seen.push(`${host}:${port}`);
        return answers.shift()!;
      },
    });
    expect(result).toEqual({ ready: true, startToReadyMs: 6_000, probes: 4 });
    expect(seen[0]).toBe('bot-01.example.com:3389');
  });

  it('gives up at the timeout against a closed port', async () => {
    const time = fakeTime();
    const port = await closedPort();
    const result = await waitUntilReady(`127.0.0.1:${port}`, time.now(), {
      timeoutMs: 10_000,
      intervalMs: 2_000,
      ...time,
    });
    expect(result).toEqual({ ready: false, reason: 'timeout', elapsedMs: 10_000, probes: 6 });
  });

  it('stops when aborted, and refuses an address it cannot parse', async () => {
    const controller = new AbortController();
    controller.abort();
    const aborted = await waitUntilReady('127.0.0.1', 0, {
      timeoutMs: 1_000,
      now: () => 0,
      signal: controller.signal,
    });
    expect(aborted).toMatchObject({ ready: false, reason: 'aborted', probes: 0 });
    expect(await waitUntilReady('not a host:99999', 0, { timeoutMs: 1_000, now: () => 5 })).toMatchObject({
      ready: false,
      reason: 'bad-address',
    });
  });
});
