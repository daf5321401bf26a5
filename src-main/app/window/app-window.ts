import { BrowserWindow } from 'electron';
import { windowOptions } from './window-options.js';

/**
 * The one app window: created on demand, hidden (not closed) when the user closes it so the app
 * stays in the tray, destroyed only when the app quits.
 */
export class AppWindow {
  private window: BrowserWindow | undefined;

  constructor(
    private readonly options: {
      indexHtml: string;
      preloadPath: string;
      iconPath: string;
      devTools: boolean;
      isQuitting: () => boolean;
      /** The window's page went away (closed or crashed): its event streams end. */
      onContentsGone: (webContentsId: number) => void;
    },
  ) {}

  /** For the IPC sender check: only this window's main frame is trusted. */
  get webContentsId(): number | undefined {
    return this.window && !this.window.isDestroyed() ? this.window.webContents.id : undefined;
  }

  open(): void {
    if (this.window && !this.window.isDestroyed()) {
      if (this.window.isMinimized()) this.window.restore();
      this.window.show();
      this.window.focus();
      return;
    }
    const window = new BrowserWindow(
      windowOptions({
        preloadPath: this.options.preloadPath,
        iconPath: this.options.iconPath,
        platform: process.platform,
        devTools: this.options.devTools,
      }),
    );
    this.window = window;
    const contentsId = window.webContents.id;
    window.once('ready-to-show', () => window.show());
    window.on('close', (event) => {
      if (this.options.isQuitting()) return;
      event.preventDefault();
      window.hide();
    });
    window.webContents.on('render-process-gone', () => this.options.onContentsGone(contentsId));
    window.webContents.once('destroyed', () => this.options.onContentsGone(contentsId));
    window.on('closed', () => {
      if (this.window === window) this.window = undefined;
    });
    void window.loadFile(this.options.indexHtml);
  }
}
