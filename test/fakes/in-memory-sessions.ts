import { PNG } from 'pngjs';
import type {
  OpenResult,
  SessionDriver,
  SessionError,
  SessionSpec,
  SessionStatus,
} from '../../src-main/core/session-driver.js';

export interface SessionCall {
  op: 'open' | 'close' | 'dispose';
  key: string;
  at: number;
  spec?: SessionSpec;
}

/**
 * RDP sessions in memory: `open` logs in at once (or fails with the injected error), `close`
 * forgets the session. Records calls; `drop` simulates what a real driver reports on its own.
 */
export class InMemorySessionDriver implements SessionDriver {
  readonly calls: SessionCall[] = [];
  private readonly sessions = new Map<string, SessionStatus>();
  private readonly failures: { key?: string; error: SessionError }[] = [];
  private readonly listeners = new Set<(status: SessionStatus) => void>();

  constructor(private readonly now: () => number) {}

  /** The next open (of `key`, or of any session) fails with this error and leaves a `failed` status. */
  failNextOpen(error: SessionError, key?: string): void {
    this.failures.push(key === undefined ? { error } : { key, error });
  }

  /** Pretends a session already exists (e.g. found after a restart). */
  seed(
    status: Omit<SessionStatus, 'since' | 'reconnects' | 'width' | 'height'> & Partial<SessionStatus>,
  ): void {
    this.set({ since: this.now(), reconnects: 0, width: 1920, height: 1080, ...status });
  }

  /** The driver lost the session on its own (e.g. a takeover or a logoff). */
  drop(key: string, error?: SessionError): void {
    const status = this.sessions.get(key);
    if (!status) return;
    this.set({
      ...status,
      state: error ? 'failed' : 'reconnecting',
      since: this.now(),
      ...(error ? { error } : {}),
    });
  }

  callsOf(op: SessionCall['op']): SessionCall[] {
    return this.calls.filter((call) => call.op === op);
  }

  async open(spec: SessionSpec): Promise<OpenResult> {
    this.calls.push({ op: 'open', key: spec.key, at: this.now(), spec });
    const index = this.failures.findIndex((failure) => failure.key === undefined || failure.key === spec.key);
    const base = {
      key: spec.key,
      hostId: spec.hostId,
      user: spec.user,
      width: spec.width,
      height: spec.height,
    };
    if (index >= 0) {
      const { error } = this.failures.splice(index, 1)[0]!;
      this.set({ ...base, state: 'failed', since: this.now(), reconnects: 0, error });
      return { ok: false, error };
    }
    const existing = this.sessions.get(spec.key);
    if (existing?.state === 'open') return { ok: true, status: existing };
    const status: SessionStatus = {
      ...base,
      state: 'open',
      since: this.now(),
      connectedAt: this.now(),
      reconnects: 0,
    };
    this.set(status);
    return { ok: true, status };
  }

  async close(key: string): Promise<void> {
    this.calls.push({ op: 'close', key, at: this.now() });
    const status = this.sessions.get(key);
    if (!status) return;
    this.sessions.delete(key);
    this.emit({ ...status, state: 'closed', since: this.now() });
  }

  list(): SessionStatus[] {
    return [...this.sessions.values()].map((status) => ({ ...status }));
  }

  async thumbnail(key: string, maxWidth: number): Promise<Uint8Array | undefined> {
    const status = this.sessions.get(key);
    if (!status || status.state !== 'open') return undefined;
    const width = Math.max(1, Math.min(maxWidth, status.width));
    const height = Math.max(1, Math.round((status.height * width) / status.width));
    const png = new PNG({ width, height });
    png.data.fill(0x40);
    return new Uint8Array(PNG.sync.write(png));
  }

  onChange(listener: (status: SessionStatus) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async dispose(): Promise<void> {
    this.calls.push({ op: 'dispose', key: '*', at: this.now() });
    for (const key of [...this.sessions.keys()]) await this.close(key);
  }

  private set(status: SessionStatus): void {
    this.sessions.set(status.key, status);
    this.emit(status);
  }

  private emit(status: SessionStatus): void {
    for (const listener of this.listeners) listener({ ...status });
  }
}
