import net from 'node:net';

type TcpConnectResult = { ok: true; ms: number } | { ok: false; error: string };

/** Opens (and at once closes) a TCP connection to host:port: did anything accept it within the timeout? */
export function tcpConnect(host: string, port: number, timeoutMs: number): Promise<TcpConnectResult> {
  return new Promise((resolve) => {
    const started = performance.now();
    const socket = net.connect({ host, port });
    const finish = (result: TcpConnectResult) => {
      socket.destroy();
      resolve(result);
    };
    socket.setTimeout(timeoutMs, () =>
      finish({ ok: false, error: `no answer from ${host}:${port} within ${timeoutMs / 1000} s` }),
    );
    socket.once('connect', () => finish({ ok: true, ms: Math.round(performance.now() - started) }));
    socket.once('error', (error: NodeJS.ErrnoException) =>
      finish({ ok: false, error: `${host}:${port}: ${error.code ?? error.message}` }),
    );
  });
}
