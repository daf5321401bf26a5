import { fingerprintOf, peerChain } from './certificate.js';
import { connectTcp, readOnePdu, startTls } from './endpoint.js';
import { parseConnectionConfirm, Protocol } from './rdp-wire.js';
import { SessionFailure } from './session-errors.js';

/** X.224 Connection Request asking for TLS or NLA (MS-RDPBCGR 2.2.1.1), without a cookie. */
function connectionRequest(): Uint8Array {
  const protocols = Protocol.ssl | Protocol.hybrid | Protocol.hybridEx;
  return Uint8Array.from([
    0x03,
    0x00,
    0x00,
    0x13, // TPKT, 19 bytes
    0x0e,
    0xe0,
    0x00,
    0x00,
    0x00,
    0x00,
    0x00, // X.224 CR
    0x01,
    0x00,
    0x08,
    0x00,
    protocols,
    0x00,
    0x00,
    0x00, // RDP_NEG_REQ
  ]);
}

/**
 * The SHA-256 fingerprint of the certificate an RDP host presents, without logging on: TCP, X.224
 * negotiation, TLS handshake, then goodbye. Used by `host trust` to show and pin it.
 */
export async function probeCertificate(host: string, port: number, timeoutMs = 10_000): Promise<string> {
  let tcp;
  try {
    tcp = await connectTcp(host, port, timeoutMs);
  } catch (error) {
    throw new SessionFailure(
      'unreachable',
      `cannot reach ${host}:${port} (${error instanceof Error ? error.message : String(error)})`,
    );
  }
  try {
    tcp.write(connectionRequest());
    const confirm = parseConnectionConfirm(await readOnePdu(tcp, timeoutMs));
    if (confirm.kind !== 'selected' || confirm.protocol === Protocol.rdp) {
      throw new SessionFailure('tls', `${host}:${port} offers neither TLS nor NLA`);
    }
    const secure = await startTls(tcp, timeoutMs);
    const chain = peerChain(secure);
    secure.destroy();
    if (!chain[0]) throw new SessionFailure('tls', `${host}:${port} presented no certificate`);
    return fingerprintOf(chain[0]);
  } catch (error) {
    if (error instanceof SessionFailure) throw error;
    throw new SessionFailure(
      'tls',
      `cannot read the certificate of ${host}:${port}: ${error instanceof Error ? error.message : String(error)}`,
    );
  } finally {
    tcp.destroy();
  }
}
