import { trayModel, type TrayCommand, type TrayMenuInput, type TrayModel } from './tray-menu.js';

/**
 * Keeps the tray in step with the manager (no Electron here): `refresh()` rebuilds the model and
 * hands it to the view only when it changed, so a frequent refresh costs nothing visible; clicks go
 * to `run()`, which maps each command to one handler.
 */

export interface TrayView {
  show(model: TrayModel): void;
}

interface TrayCommandHandlers {
  openWindow(): void;
  pause(): Promise<unknown>;
  resume(): Promise<unknown>;
  tickNow(): Promise<unknown>;
  retryAll(): Promise<unknown>;
  setStartAtLogin(enabled: boolean): Promise<unknown>;
  quit(): void;
}

interface TrayControllerOptions {
  view: TrayView;
  input: () => TrayMenuInput;
  handlers: TrayCommandHandlers;
  /** A command that failed (shown as a notification or logged by main). */
  onError: (command: TrayCommand, error: unknown) => void;
}

export class TrayController {
  private shown: string | undefined;

  constructor(private readonly options: TrayControllerOptions) {}

  /** The model now shown (after the last refresh). */
  current(): TrayModel {
    return trayModel(this.options.input());
  }

  refresh(): void {
    const model = this.current();
    const key = JSON.stringify(model);
    if (key === this.shown) return;
    this.shown = key;
    this.options.view.show(model);
  }

  async run(command: TrayCommand): Promise<void> {
    const { handlers } = this.options;
    try {
      switch (command) {
        case 'open':
          handlers.openWindow();
          break;
        case 'pause':
          await handlers.pause();
          break;
        case 'resume':
          await handlers.resume();
          break;
        case 'tick-now':
          await handlers.tickNow();
          break;
        case 'retry-all':
          await handlers.retryAll();
          break;
        case 'toggle-start-at-login':
          await handlers.setStartAtLogin(!this.options.input().startAtLogin);
          break;
        case 'quit':
          handlers.quit();
          break;
      }
    } catch (error) {
      this.options.onError(command, error);
    } finally {
      this.refresh();
    }
  }
}
