import { Socket } from 'node:net';
import { setTimeout as sleepFor } from 'node:timers/promises';
import { parseAddress } from '../../config/schema.js';

/**
 * After power-on a host is ready when its RDP port accepts TCP. Probes with a short interval and a
 * short per-attempt timeout, and measures start → ready (the reconciler learns its boot lead from it).
 */

export interface ReadinessOptions {
  /** Give up after this long since `startedAt` (the host's boot timeout). */
  timeoutMs: number;
  /** Between probes. Default 2 s. */
  intervalMs?: number;
  /** One connection attempt. Default 1.5 s. */
  probeTimeoutMs?: number;
  /** Injected for tests; default Date.now and a real sleep. */
  now?: () => number;
  sleep?: (ms: number) => Promise<void>;
  probe?: (host: string, port: number, timeoutMs: number) => Promise<boolean>;
  signal?: AbortSignal;
}

export type ReadinessResult =
  | { ready: true; startToReadyMs: number; probes: number }
  | { ready: false; reason: 'timeout' | 'aborted' | 'bad-address'; elapsedMs: number; probes: number };

/** True when something accepts a TCP connection on host:port within timeoutMs. */
export function probeTcp(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = new Socket();
    const done = (accepted: boolean) => {
      socket.destroy();
      resolve(accepted);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.connect(port, host);
  });
}

/**
 * Probes `address` (host[:port], RDP's 3389 by default) until it accepts TCP or `timeoutMs` has
 * passed since `startedAt` (when the power-on was issued; epoch ms on the same clock as `now`).
 */
export async function waitUntilReady(
  address: string,
  startedAt: number,
  options: ReadinessOptions,
): Promise<ReadinessResult> {
  const now = options.now ?? Date.now;
  const sleep = options.sleep ?? ((ms: number) => sleepFor(ms, undefined, { signal: options.signal }));
  const probe = options.probe ?? probeTcp;
  const endpoint = parseAddress(address);
  if (!endpoint) return { ready: false, reason: 'bad-address', elapsedMs: now() - startedAt, probes: 0 };
  const host = endpoint.host.replace(/^\[|\]$/g, '');
  let probes = 0;
  for (;;) {
    if (options.signal?.aborted)
      return { ready: false, reason: 'aborted', elapsedMs: now() - startedAt, probes };
    probes++;
    if (await probe(host, endpoint.port, options.probeTimeoutMs ?? 1_500))
      return { ready: true, startToReadyMs: now() - startedAt, probes };
    if (now() - startedAt >= options.timeoutMs)
      return { ready: false, reason: 'timeout', elapsedMs: now() - startedAt, probes };
    try {
      await sleep(options.intervalMs ?? 2_000);
    } catch {
      return { ready: false, reason: 'aborted', elapsedMs: now() - startedAt, probes };
    }
  }
}
