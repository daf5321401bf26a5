import { tcpConnect } from '../lib/tcp-connect.js';
import type { CheckResult } from './manager-port.js';

/** Does anything accept a TCP connection at host:port within the timeout? (RDP answering.) */
export async function probeTcp(host: string, port: number, timeoutMs = 5000): Promise<CheckResult> {
  const result = await tcpConnect(host, port, timeoutMs);
  return result.ok
    ? { ok: true, detail: `${host}:${port} accepts connections (${result.ms} ms)` }
    : { ok: false, error: result.error };
}

export type TcpProbe = typeof probeTcp;
