import { tcpConnect } from '../lib/tcp-connect.js';
import { runBounded } from './bounded.js';

/** Where a host's RDP port is. */
export interface ProbeTarget {
  hostId: string;
  host: string;
  port: number;
}

/** Answers whether each host's RDP port accepts a TCP connection now. */
export interface ReadinessProbe {
  probe(targets: readonly ProbeTarget[]): Promise<Map<string, boolean>>;
}

/** Opens (and at once closes) a TCP connection to each RDP port, a few at a time, with a timeout. */
export function createTcpProbe(options: { timeoutMs?: number; concurrency?: number } = {}): ReadinessProbe {
  const timeoutMs = options.timeoutMs ?? 3_000;
  const concurrency = options.concurrency ?? 32;
  return {
    async probe(targets) {
      const result = new Map<string, boolean>();
      await runBounded(targets, concurrency, async (target) => {
        result.set(target.hostId, (await tcpConnect(target.host, target.port, timeoutMs)).ok);
      });
      return result;
    },
  };
}
