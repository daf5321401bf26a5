import { createHash } from 'node:crypto';
import type { PeerCertificate, TLSSocket } from 'node:tls';

/** SHA-256 of the DER certificate, lowercase hex without separators (the config's format). */
export function fingerprintOf(der: Uint8Array): string {
  return createHash('sha256').update(der).digest('hex');
}

/** The server's chain, leaf first, as DER. */
export function peerChain(socket: TLSSocket): Uint8Array[] {
  const chain: Uint8Array[] = [];
  const seen = new Set<string>();
  let cert: PeerCertificate | undefined = socket.getPeerCertificate(true);
  while (cert?.raw && !seen.has(cert.fingerprint256)) {
    seen.add(cert.fingerprint256);
    chain.push(new Uint8Array(cert.raw));
    cert = (cert as PeerCertificate & { issuerCertificate?: PeerCertificate }).issuerCertificate;
  }
  return chain;
}

type PinDecision =
  | { kind: 'match' }
  | { kind: 'first-use'; fingerprint: string }
  | { kind: 'changed'; expected: string; presented: string };

/** Trust on first use: no pin yet → pin this one; a pin that differs → refuse. */
export function checkPin(presented: string, pinned: string | undefined): PinDecision {
  if (pinned === undefined) return { kind: 'first-use', fingerprint: presented };
  const expected = pinned.replace(/[:\s]/g, '').toLowerCase();
  return expected === presented ? { kind: 'match' } : { kind: 'changed', expected, presented };
}
