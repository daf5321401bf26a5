import net from 'node:net';
import tls from 'node:tls';
import type { InProcessWebSocket, SocketPeer } from './browser-shims.js';
import { checkPin, fingerprintOf, peerChain } from './certificate.js';
import { concat } from './der.js';
import {
  decodeRequest,
  encodeError,
  encodeResponse,
  GENERAL_ERROR,
  NEGOTIATION_ERROR,
} from './rdcleanpath.js';
import {
  NegotiationFailure,
  parseConnectionConfirm,
  pduSize,
  Protocol,
  readSaveSessionInfo,
  readSetErrorInfo,
  readTsRequestErrorCode,
  setAutologon,
} from './rdp-wire.js';
import { fromErrorInfo, fromLogonError, fromNtStatus, SessionFailure } from './session-errors.js';

interface EndpointOptions {
  host: string;
  port: number;
  /** Pinned fingerprint; undefined = accept and report the presented one (pin on first use). */
  pinnedCertificate?: string;
  /** Set INFO_AUTOLOGON in the Client Info PDU when the server chose plain TLS (no NLA). */
  autologon: boolean;
  connectTimeoutMs: number;
}

type Phase = 'request' | 'negotiating' | 'credssp' | 'rdp' | 'closed';

/**
 * The RDCleanPath proxy, in-process: IronRDP's WebSocket reaches this object, which opens TCP to
 * the host, does the X.224 negotiation and TLS itself (so the certificate check is ours), answers
 * with the server's chain, and then forwards bytes both ways. It watches the stream just enough to
 * name failures: CredSSP error codes, a connection closed during NLA, Set Error Info reasons.
 */
export class RdCleanPathEndpoint implements SocketPeer {
  private socket?: InProcessWebSocket;
  private tcp?: net.Socket;
  private tlsSocket?: tls.TLSSocket;
  private phase: Phase = 'request';
  private pending: Uint8Array = new Uint8Array(0);
  private serverPending: Uint8Array = new Uint8Array(0);
  /** What went wrong, as the endpoint saw it; the driver prefers this to the client's message. */
  failure?: SessionFailure;
  /** Reason from the last Set Error Info PDU. */
  errorInfo?: number;
  fingerprint?: string;
  firstUse = false;
  selectedProtocol?: number;
  autologonSet = false;
  /** Save Session Info PDU seen: the host reports a completed logon. */
  logonNotified = false;
  private readonly logonListeners: (() => void)[] = [];
  private closedByClient = false;

  constructor(private readonly options: EndpointOptions) {}

  /** Read through a getter so that checks after an await are not narrowed away. */
  get closed(): boolean {
    return this.phase === 'closed';
  }

  attach(socket: InProcessWebSocket): void {
    this.socket = socket;
  }

  onLogon(listener: () => void): void {
    if (this.logonNotified) listener();
    else this.logonListeners.push(listener);
  }

  fromClient(bytes: Uint8Array): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'request') {
      this.pending = concat([this.pending, bytes]);
      const size = pduSize(this.pending);
      if (size === undefined || this.pending.length < size) return;
      const request = this.pending.subarray(0, size);
      this.pending = new Uint8Array(0);
      this.phase = 'negotiating';
      void this.negotiate(request);
      return;
    }
    if (this.phase === 'negotiating') return; // the client waits for the response; nothing legitimate arrives
    if (this.phase === 'credssp' && bytes[0] === 0x03) this.phase = 'rdp';
    if (
      this.phase === 'rdp' &&
      this.options.autologon &&
      this.selectedProtocol === Protocol.ssl &&
      !this.autologonSet
    ) {
      this.autologonSet = setAutologon(bytes);
    }
    this.tlsSocket?.write(bytes);
  }

  clientClosed(): void {
    this.closedByClient = true;
    this.shutdown();
  }

  /** Ends everything without telling the client (used on close and dispose). */
  shutdown(): void {
    if (this.phase === 'closed') return;
    this.phase = 'closed';
    this.tlsSocket?.destroy();
    this.tcp?.destroy();
  }

  private fail(failure: SessionFailure, answer?: Uint8Array): void {
    this.failure ??= failure;
    if (answer) this.socket?.deliver(answer);
    this.socket?.serverClose(1011, failure.message);
    this.shutdown();
  }

  private async negotiate(requestBytes: Uint8Array): Promise<void> {
    let request;
    try {
      request = decodeRequest(requestBytes);
    } catch (error) {
      this.fail(new SessionFailure('protocol', `bad RDCleanPath request: ${String(error)}`));
      return;
    }
    let tcp: net.Socket;
    try {
      tcp = await connectTcp(this.options.host, this.options.port, this.options.connectTimeoutMs);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      const message = error instanceof Error ? error.message : String(error);
      this.fail(
        new SessionFailure(
          code === 'ETIMEDOUT' ? 'timeout' : 'unreachable',
          `cannot reach ${this.options.host}:${this.options.port} (${message})`,
        ),
        encodeError({ errorCode: GENERAL_ERROR, wsaLastError: code === 'ETIMEDOUT' ? 10060 : 10061 }),
      );
      return;
    }
    if (this.closed) {
      tcp.destroy();
      return;
    }
    this.tcp = tcp;
    let confirm: Uint8Array;
    try {
      tcp.write(request.x224ConnectionRequest);
      confirm = await readOnePdu(tcp, this.options.connectTimeoutMs);
    } catch (error) {
      this.fail(
        new SessionFailure('protocol', `X.224 negotiation with the host failed: ${String(error)}`),
        encodeError({ errorCode: GENERAL_ERROR }),
      );
      return;
    }
    let parsed;
    try {
      parsed = parseConnectionConfirm(confirm);
    } catch (error) {
      this.fail(new SessionFailure('protocol', String(error)), encodeError({ errorCode: GENERAL_ERROR }));
      return;
    }
    if (parsed.kind !== 'selected' || parsed.protocol === Protocol.rdp) {
      const failure =
        parsed.kind === 'failure' && parsed.code === NegotiationFailure.hybridRequired
          ? new SessionFailure(
              'nla-required',
              'the host requires NLA (CredSSP), which this connection could not offer',
            )
          : new SessionFailure(
              'tls',
              parsed.kind === 'failure'
                ? `the host refused the security negotiation (RDP_NEG_FAILURE ${parsed.code})`
                : 'the host offers only legacy RDP security; enable TLS or NLA on it',
            );
      this.fail(failure, encodeError({ errorCode: NEGOTIATION_ERROR, x224ConnectionConfirm: confirm }));
      return;
    }
    this.selectedProtocol = parsed.protocol;
    let secure: tls.TLSSocket;
    try {
      secure = await startTls(tcp, this.options.connectTimeoutMs);
    } catch (error) {
      this.fail(
        new SessionFailure(
          'tls',
          `TLS handshake with the host failed: ${error instanceof Error ? error.message : String(error)}`,
        ),
        encodeError({ errorCode: GENERAL_ERROR, tlsAlertCode: 40 }),
      );
      return;
    }
    if (this.closed) {
      secure.destroy();
      return;
    }
    this.tlsSocket = secure;
    const chain = peerChain(secure);
    if (chain.length === 0) {
      this.fail(
        new SessionFailure('tls', 'the host presented no certificate'),
        encodeError({ errorCode: GENERAL_ERROR, tlsAlertCode: 42 }),
      );
      return;
    }
    this.fingerprint = fingerprintOf(chain[0]!);
    const pin = checkPin(this.fingerprint, this.options.pinnedCertificate);
    if (pin.kind === 'changed') {
      this.fail(
        new SessionFailure(
          'certificate-changed',
          `the host presented a different certificate (SHA-256 ${pin.presented}) than the pinned one (${pin.expected}); ` +
            'if the change is expected, accept it with `session-manager host trust`',
          pin.presented,
        ),
        encodeError({ errorCode: GENERAL_ERROR, tlsAlertCode: 42 }),
      );
      return;
    }
    this.firstUse = pin.kind === 'first-use';
    this.phase = parsed.protocol & (Protocol.hybrid | Protocol.hybridEx) ? 'credssp' : 'rdp';
    secure.on('data', (chunk: Buffer) => this.fromServer(chunk));
    secure.on('error', () => undefined); // 'close' follows and carries the outcome
    secure.on('close', () => this.serverClosed());
    const address = `${tcp.remoteAddress ?? '127.0.0.1'}:${tcp.remotePort ?? this.options.port}`;
    this.socket?.deliver(
      encodeResponse({
        x224ConnectionConfirm: confirm,
        serverCertChain: chain,
        serverAddr:
          address.includes(':') && net.isIPv6(tcp.remoteAddress ?? '')
            ? `[${tcp.remoteAddress}]:${tcp.remotePort}`
            : address,
      }),
    );
  }

  private fromServer(chunk: Buffer): void {
    if (this.phase === 'closed') return;
    this.inspectServer(chunk);
    this.socket?.deliver(chunk);
  }

  /** Frames the server's stream without holding it back, to read the few PDUs that name outcomes. */
  private inspectServer(chunk: Uint8Array): void {
    let buffer = this.serverPending.length ? concat([this.serverPending, chunk]) : chunk;
    for (;;) {
      if (this.phase === 'credssp' && buffer[0] !== 0x30) {
        // HYBRID_EX: the 4-byte Early User Authorization Result follows CredSSP.
        if (buffer.length < 4) break;
        const result = new DataView(buffer.buffer, buffer.byteOffset, 4).getUint32(0, true);
        if (result === 5)
          this.failure ??= new SessionFailure(
            'logon-failure',
            'the host denied access to this user (early user authorization)',
          );
        buffer = buffer.subarray(4);
        this.phase = 'rdp';
        continue;
      }
      const size = pduSize(buffer);
      if (size === undefined || size === 0 || buffer.length < size) break;
      const pdu = buffer.subarray(0, size);
      if (pdu[0] === 0x30) {
        const code = readTsRequestErrorCode(pdu);
        if (code !== undefined && code !== 0) this.failure ??= fromNtStatus(code);
      } else if (pdu[0] === 0x03) {
        this.inspectTpkt(pdu);
      }
      buffer = buffer.subarray(size);
    }
    this.serverPending = buffer.length ? Uint8Array.from(buffer) : new Uint8Array(0);
  }

  private inspectTpkt(pdu: Uint8Array): void {
    const info = readSetErrorInfo(pdu);
    if (info !== undefined && info !== 0) {
      this.errorInfo = info;
      return;
    }
    const logon = readSaveSessionInfo(pdu);
    if (!logon) return;
    if (logon.kind === 'error') {
      const failure = fromLogonError(logon.type, logon.data);
      if (failure) {
        this.failure ??= failure;
        for (const listener of this.logonListeners.splice(0)) listener();
      }
      return;
    }
    if (!this.logonNotified) {
      this.logonNotified = true;
      for (const listener of this.logonListeners.splice(0)) listener();
    }
  }

  private serverClosed(): void {
    if (this.phase === 'closed') return;
    if (this.phase === 'credssp' && !this.failure && !this.closedByClient) {
      // FreeRDP-based servers (and older Windows) just close the connection when NLA fails; so does a
      // dropped network. The driver tries once more before taking it as a wrong password.
      this.failure = new SessionFailure(
        'logon-unconfirmed',
        'the host closed the connection during NLA authentication without saying why (a wrong user name or password, or a dropped connection)',
      );
    }
    const byReason = this.errorInfo !== undefined ? fromErrorInfo(this.errorInfo) : undefined;
    if (byReason) this.failure ??= byReason;
    this.socket?.serverClose(1000, 'the host closed the connection');
    this.shutdown();
  }
}

/** Reads exactly one TPKT from a plain socket (the X.224 Connection Confirm). */
export function readOnePdu(socket: net.Socket, timeoutMs: number): Promise<Uint8Array> {
  return new Promise((resolve, reject) => {
    let buffer: Uint8Array = new Uint8Array(0);
    const cleanup = () => {
      clearTimeout(timer);
      socket.off('data', onData);
      socket.off('close', onClose);
      socket.off('error', onError);
    };
    const onData = (chunk: Buffer) => {
      buffer = concat([buffer, chunk]);
      const size = pduSize(buffer);
      if (size === undefined || buffer.length < size) return;
      cleanup();
      socket.pause();
      if (buffer.length > size) socket.unshift(Buffer.from(buffer.subarray(size)));
      resolve(buffer.subarray(0, size));
    };
    const onClose = () => {
      cleanup();
      reject(new Error('the host closed the connection during negotiation'));
    };
    const onError = (error: Error) => {
      cleanup();
      reject(error);
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error('no X.224 answer from the host in time'));
    }, timeoutMs);
    socket.on('data', onData);
    socket.on('close', onClose);
    socket.on('error', onError);
  });
}

export function connectTcp(host: string, port: number, timeoutMs: number): Promise<net.Socket> {
  return new Promise((resolve, reject) => {
    const tcp = net.connect({ host, port });
    const timer = setTimeout(() => {
      tcp.destroy();
      reject(Object.assign(new Error('connection timed out'), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    tcp.once('connect', () => {
      clearTimeout(timer);
      tcp.removeAllListeners('error');
      tcp.setNoDelay(true);
      tcp.setKeepAlive(true, 30_000);
      resolve(tcp);
    });
    tcp.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}

export function startTls(tcp: net.Socket, timeoutMs: number): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    // The chain is not checked against a CA: RDP hosts use self-signed certificates, so the pin is the check.
    const secure = tls.connect({ socket: tcp, rejectUnauthorized: false, minVersion: 'TLSv1.2' });
    const timer = setTimeout(() => {
      secure.destroy();
      reject(new Error('TLS handshake timed out'));
    }, timeoutMs);
    secure.once('secureConnect', () => {
      clearTimeout(timer);
      secure.removeAllListeners('error');
      resolve(secure);
    });
    secure.once('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
  });
}
