import type { BrowserWindowConstructorOptions } from 'electron';

/**
 * The app window's options, built by a pure function so the security flags are asserted in tests
 * (Electron's security checklist): isolated, sandboxed preload, no Node in the page or its frames,
 * web security on, no <webview>, no insecure content, nothing loaded by dropping a file on it.
 */

interface WindowOptionsInput {
  /** Absolute path of the bundled preload (dist-app/preload.cjs). */
  preloadPath: string;
  /** Window icon (ignored on macOS, which uses the app bundle's icon). */
  iconPath: string;
  platform: NodeJS.Platform;
  /** DevTools only in development builds. */
  devTools: boolean;
}

export function windowOptions(input: WindowOptionsInput): BrowserWindowConstructorOptions {
  return {
    width: 1200,
    height: 800,
    minWidth: 800,
    minHeight: 560,
    title: 'Session Manager',
    // Shown once the page has painted (ready-to-show), so no white flash.
    show: false,
    ...(input.platform === 'darwin' ? {} : { icon: input.iconPath }),
    autoHideMenuBar: true,
    webPreferences: {
      preload: input.preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      experimentalFeatures: false,
      navigateOnDragDrop: false,
      safeDialogs: true,
      spellcheck: false,
      devTools: input.devTools,
    },
  };
}
