import { registerPeer, ShimCanvas } from './browser-shims.js';
import { RdCleanPathEndpoint } from './endpoint.js';
import { Framebuffer } from './framebuffer.js';
import { loadIronRdp } from './ironrdp-loader.js';
import { Protocol } from './rdp-wire.js';
import { SessionFailure } from './session-errors.js';

export interface ConnectParams {
  host: string;
  port: number;
  user: string;
  domain?: string;
  password: string;
  width: number;
  height: number;
  pinnedCertificate?: string;
  /** Whole connect-and-log-on budget. */
  timeoutMs: number;
  /**
   * TLS-only hosts: how long to wait for the host's logon notification after the connection is up.
   * Windows sends one (or a logon error); xrdp sends none, and then the session counts as logged in.
   */
  logonSettleMs: number;
}

/** One live RDP connection, logged in. */
export interface RdpConnection {
  readonly framebuffer: Framebuffer;
  readonly fingerprint: string;
  /** The certificate was not pinned before this connection. */
  readonly firstUse: boolean;
  readonly security: 'nla' | 'tls';
  /** Settles when the connection ends: with the reason, or undefined when we closed it. */
  readonly ended: Promise<SessionFailure | undefined>;
  close(timeoutMs: number): Promise<void>;
}

export type Connector = (params: ConnectParams) => Promise<RdpConnection>;

interface IronErrorLike {
  backtrace?: () => string;
  kind?: () => number;
}

function describe(error: unknown): string {
  const iron = error as IronErrorLike;
  if (typeof iron?.backtrace === 'function') {
    // "[context @ file:line] message": keep the readable tail.
    return iron
      .backtrace()
      .replace(/\[[^\]]*@[^\]]*\]\s*/g, '')
      .trim();
  }
  return error instanceof Error ? error.message : String(error);
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      onTimeout();
      reject(new SessionFailure('timeout', `no logged-in session within ${Math.round(ms / 1000)} s`));
    }, ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error: unknown) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}

/**
 * Connects with IronRDP through the in-process endpoint and resolves once logged in. NLA (CredSSP)
 * is always offered; a host that does not require it picks plain TLS, and the endpoint then sets the
 * autologon flag so the host logs on with the same credentials instead of showing its logon screen.
 */
export const connectRdp: Connector = async (params) => {
  const rdp = await loadIronRdp();
  const framebuffer = new Framebuffer();
  const endpoint = new RdCleanPathEndpoint({
    host: params.host,
    port: params.port,
    ...(params.pinnedCertificate ? { pinnedCertificate: params.pinnedCertificate } : {}),
    autologon: true,
    connectTimeoutMs: Math.min(params.timeoutMs, 15_000),
  });
  const peer = registerPeer(endpoint);
  const started = Date.now();
  const failWith = (error: unknown): SessionFailure =>
    endpoint.failure ??
    (error instanceof SessionFailure
      ? error
      : new SessionFailure('protocol', `RDP connection failed: ${describe(error)}`));

  let builder = new rdp.Backend.SessionBuilder()
    .username(params.user)
    .password(params.password)
    .destination(`${params.host}:${params.port}`)
    .proxyAddress(peer.url)
    .authToken('in-process')
    .desktopSize(new rdp.Backend.DesktopSize(params.width, params.height))
    .renderCanvas(new ShimCanvas(framebuffer) as unknown as HTMLCanvasElement)
    .setCursorStyleCallback(() => undefined)
    .setCursorStyleCallbackContext({})
    .extension(rdp.enableCredssp(true));
  if (params.domain) builder = builder.serverDomain(params.domain);

  let session: Awaited<ReturnType<typeof builder.connect>>;
  try {
    session = await withTimeout(builder.connect(), params.timeoutMs, () => endpoint.shutdown());
  } catch (error) {
    endpoint.shutdown();
    peer.unregister();
    throw failWith(error);
  } finally {
    builder.free();
  }
  peer.unregister();

  let closing = false;
  const ended = session.run().then(
    (info) => {
      const reason = info.reason();
      info.free();
      if (closing) return undefined;
      return (
        endpoint.failure ?? new SessionFailure('unreachable', `the host ended the connection (${reason})`)
      );
    },
    (error: unknown) => {
      if (closing) return undefined;
      return endpoint.failure ?? new SessionFailure('unreachable', `connection lost: ${describe(error)}`);
    },
  );
  void ended.finally(() => {
    endpoint.shutdown();
    session.free();
  });

  const close = async (timeoutMs: number) => {
    if (closing) return void (await ended);
    closing = true;
    try {
      session.shutdown();
    } catch {
      // already ending
    }
    await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, timeoutMs).unref())]);
    endpoint.shutdown();
  };

  const security = endpoint.selectedProtocol === Protocol.ssl ? 'tls' : 'nla';
  if (security === 'tls') {
    // Wait for the host's logon notification (or logon error, or the end) for a short while.
    const remaining = Math.max(0, params.timeoutMs - (Date.now() - started));
    const settled = await Promise.race([
      new Promise<'logon'>((resolve) => endpoint.onLogon(() => resolve('logon'))),
      ended.then((failure) => failure ?? new SessionFailure('unreachable', 'closed during logon')),
      new Promise<'settled'>((resolve) =>
        setTimeout(() => resolve('settled'), Math.min(remaining, params.logonSettleMs)).unref(),
      ),
    ]);
    const failure = settled instanceof SessionFailure ? settled : endpoint.failure;
    if (failure) {
      await close(2_000);
      throw failure;
    }
  }

  return {
    framebuffer,
    fingerprint: endpoint.fingerprint ?? '',
    firstUse: endpoint.firstUse,
    security,
    ended,
    close,
  };
};
