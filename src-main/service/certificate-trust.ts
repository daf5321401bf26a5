import { ApiError } from '../api/errors.js';
import type { ConfigStore } from '../config/config-store.js';
import { parseAddress, type HostConfig } from '../config/schema.js';
import type { SessionErrorKind } from '../core/session-driver.js';
import { probeCertificate } from '../drivers/session/rdp/probe-certificate.js';
import { SessionFailure } from '../drivers/session/rdp/session-errors.js';

/** Trust this certificate for the host; without a fingerprint, the one it presented or presents now. */
interface TrustRequest {
  hostId: string;
  fingerprint?: string;
}

export interface TrustChoice {
  host: HostConfig;
  fingerprint: string;
  /** given: pasted by the operator; presented: the one the host showed and was refused; probed: shown now. */
  source: 'given' | 'presented' | 'probed';
}

type TrustErrorKind = 'not-found' | 'no-certificate' | 'unreachable' | 'failed';

/** Why a certificate could not be chosen, as fields (nobody parses the message). */
export class TrustError extends Error {
  constructor(
    readonly kind: TrustErrorKind,
    readonly hostId: string,
    message: string,
    readonly sessionErrorKind?: SessionErrorKind,
  ) {
    super(message);
    this.name = 'TrustError';
  }
}

/**
 * The one certificate-trust operation, used by the service's event path (pin on first use), the API
 * (HTTP and IPC) and the CLI: choose the certificate, then pin it in the config.
 */
export class CertificateTrust {
  constructor(
    private readonly store: ConfigStore,
    /** The fingerprint a host last presented and that was refused, as the session driver reported it. */
    private readonly presented: (hostId: string) => string | undefined = () => undefined,
    private readonly probe: (host: string, port: number) => Promise<string> = probeCertificate,
  ) {}

  /** The given fingerprint, else the one the host presented and was refused, else (`probe`) the one it shows now. */
  async choose(request: TrustRequest, options: { probe: boolean }): Promise<TrustChoice> {
    const host = this.store.load().hosts.find((h) => h.id === request.hostId);
    if (!host) throw new TrustError('not-found', request.hostId, `no host with id "${request.hostId}"`);
    if (request.fingerprint) return { host, fingerprint: request.fingerprint, source: 'given' };
    const presented = this.presented(host.id);
    if (presented) return { host, fingerprint: presented, source: 'presented' };
    if (!options.probe)
      throw new TrustError(
        'no-certificate',
        host.id,
        `host "${host.id}" has not presented a certificate yet: give the fingerprint to trust`,
      );
    const address = parseAddress(host.address);
    if (!address) throw new TrustError('failed', host.id, `host ${host.id} has an invalid address`);
    try {
      return { host, fingerprint: await this.probe(address.host, address.port), source: 'probed' };
    } catch (error) {
      if (!(error instanceof SessionFailure)) throw error;
      throw new TrustError(
        error.kind === 'unreachable' ? 'unreachable' : 'failed',
        host.id,
        error.message,
        error.kind,
      );
    }
  }

  /**
   * Pins `fingerprint` for the host. With `onlyIfUnpinned` (pin on first use) a host that already has
   * a pinned certificate keeps it. Returns whether the config changed.
   */
  pin(hostId: string, fingerprint: string, options: { onlyIfUnpinned?: boolean } = {}): boolean {
    let changed = false;
    this.store.update((config) => ({
      ...config,
      hosts: config.hosts.map((host) => {
        if (host.id !== hostId || host.certificate === fingerprint) return host;
        if (options.onlyIfUnpinned && host.certificate) return host;
        changed = true;
        return { ...host, certificate: fingerprint };
      }),
    }));
    return changed;
  }
}

/**
 * The API's trust operation (HTTP and IPC): pins the given fingerprint or the one last refused (no
 * probe: the service does not connect on an API call), reports a change, and answers with ApiErrors.
 */
export function apiTrustOperation(
  trust: CertificateTrust,
  configChanged: () => void,
): (request: TrustRequest) => Promise<{ hostId: string; fingerprint: string }> {
  return async (request) => {
    let fingerprint: string;
    try {
      ({ fingerprint } = await trust.choose(request, { probe: false }));
    } catch (error) {
      if (!(error instanceof TrustError)) throw error;
      throw new ApiError(error.kind === 'not-found' ? 'not-found' : 'conflict', error.message);
    }
    if (trust.pin(request.hostId, fingerprint)) configChanged();
    return { hostId: request.hostId, fingerprint };
  };
}
