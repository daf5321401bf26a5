import { registerPeer, ShimCanvas } from './browser-shims.js';
import { RdCleanPathEndpoint } from './endpoint.js';
import { Framebuffer } from './framebuffer.js';
import { loadIronRdp } from './ironrdp-loader.js';
import { Protocol } from './rdp-wire.js';
import { readScreen } from './screen-reading.js';
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
  /**
   * What says the logon worked: NLA (CredSSP accepted the user and password), the host's logon
   * notification, or a desktop in the first frames (xrdp says nothing); `unconfirmed` when the screen
   * stayed blank and nothing was said.
   */
  readonly logon: LogonEvidence;
  /** Settles when the connection ends: with the reason, or undefined when we closed it. */
  readonly ended: Promise<SessionFailure | undefined>;
  close(timeoutMs: number): Promise<void>;
}

export type LogonEvidence = 'nla' | 'notification' | 'desktop' | 'unconfirmed';

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
  let logon: LogonEvidence = 'nla';
  if (security === 'tls') {
    const outcome = await waitForLogon(endpoint, ended, framebuffer, {
      settleMs: params.logonSettleMs,
      blankMs: 2 * params.logonSettleMs,
      endBy: started + params.timeoutMs,
    });
    const failure = outcome instanceof SessionFailure ? outcome : endpoint.failure;
    if (failure) {
      await close(2_000);
      throw failure;
    }
    logon = outcome as LogonEvidence;
  }

  return {
    framebuffer,
    fingerprint: endpoint.fingerprint ?? '',
    firstUse: endpoint.firstUse,
    security,
    logon,
    ended,
    close,
  };
};

/**
 * TLS-only hosts: waits for the host's logon notification (or logon error, or the end) for
 * `settleMs`. Without one, reads the screen, waiting up to `blankMs` more while it is still blank:
 * a refused logon on xrdp shows its login window, which is a failure.
 */
async function waitForLogon(
  endpoint: RdCleanPathEndpoint,
  ended: Promise<SessionFailure | undefined>,
  framebuffer: Framebuffer,
  limits: { settleMs: number; blankMs: number; endBy: number },
): Promise<LogonEvidence | SessionFailure> {
  let timer: NodeJS.Timeout | undefined;
  const after = (ms: number) =>
    new Promise<'settled'>((resolve) => (timer = setTimeout(() => resolve('settled'), ms).unref()));
  const endedEarly = ended.then(
    (failure) => failure ?? new SessionFailure('unreachable', 'closed during logon'),
  );
  const notified = new Promise<'notification'>((resolve) => endpoint.onLogon(() => resolve('notification')));
  const settled = await Promise.race([
    notified,
    endedEarly,
    after(Math.max(0, Math.min(limits.settleMs, limits.endBy - Date.now()))),
  ]);
  clearTimeout(timer);
  if (settled !== 'settled') return settled;

  const deadline = Math.min(Date.now() + limits.blankMs, limits.endBy);
  let screen = readScreen(framebuffer);
  while (screen === 'blank' && Date.now() < deadline && !endpoint.failure) {
    const next = await Promise.race([notified, endedEarly, after(FRAME_POLL_MS)]);
    clearTimeout(timer);
    if (next !== 'settled') return next;
    screen = readScreen(framebuffer);
  }
  if (screen === 'login-screen')
    return new SessionFailure(
      'logon-failure',
      "the host shows its login window instead of a desktop: it did not accept the user name or password (xrdp's sesman log says why)",
    );
  return screen === 'desktop' ? 'desktop' : 'unconfirmed';
}

/** How often a blank screen is looked at again while waiting for the first picture. */
const FRAME_POLL_MS = 100;
