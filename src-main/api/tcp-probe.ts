import net from 'node:net';
import type { CheckResult } from './manager-port.js';

/** Does anything accept a TCP connection at host:port within the timeout? (RDP answering.) */
export function probeTcp(host: string, port: number, timeoutMs = 5000): Promise<CheckResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    const finish = (result: CheckResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ ok: false, error: `no answer from ${host}:${port} within ${timeoutMs / 1000} s` }),
    );
    socket.once('connect', () =>
      finish({
        ok: true,
        detail: `${host}:${port} accepts connections (${Math.round(performance.now() - started)} ms)`,
      }),
    );
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, error: `${host}:${port}: ${error.code ?? error.message}` }),
    );
  });
}

export type TcpProbe = typeof probeTcp;
