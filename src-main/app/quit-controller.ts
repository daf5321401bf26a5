/**
 * Quitting from the tray: the first `before-quit` is held back while the service stops its loop
 * (in-flight actions finish; nothing is powered off, sessions are left to the next start), then the
 * app quits for real. A stop that hangs does not keep the app alive past `graceMs`.
 */

interface QuitControllerDeps {
  /** Stops the reconciler loop gracefully; never powers anything off. */
  stopService(): Promise<void>;
  /** app.quit(): fires before-quit again, which now lets it through. */
  quit(): void;
  onStopping?(): void;
  onError?(error: unknown): void;
  /** Injected so tests need no wall clock. */
  setTimer?(callback: () => void, ms: number): unknown;
  graceMs?: number;
}

export class QuitController {
  private phase: 'running' | 'stopping' | 'stopped' = 'running';

  constructor(private readonly deps: QuitControllerDeps) {}

  get quitting(): boolean {
    return this.phase !== 'running';
  }

  /** Attach to app.on('before-quit', (event) => controller.beforeQuit(() => event.preventDefault())). */
  beforeQuit(preventDefault: () => void): void {
    if (this.phase === 'stopped') return;
    preventDefault();
    if (this.phase === 'stopping') return;
    this.phase = 'stopping';
    this.deps.onStopping?.();
    const finish = () => {
      if (this.phase === 'stopped') return;
      this.phase = 'stopped';
      this.deps.quit();
    };
    (this.deps.setTimer ?? setTimeout)(finish, this.deps.graceMs ?? 60_000);
    this.deps
      .stopService()
      .catch((error: unknown) => this.deps.onError?.(error))
      .finally(finish);
  }
}
