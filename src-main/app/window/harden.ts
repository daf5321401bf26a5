import { shell, type Session, type WebContents } from 'electron';
import { withContentSecurityPolicy } from '../security/csp.js';
import { createNavigationGuards } from '../security/navigation-guards.js';
import { requestAllowed } from '../security/navigation.js';

/** The Electron edge of the security rules: attaches the pure decisions to the session and webContents. */

interface HardenOptions {
  pageUrl: string;
  rendererDirUrl: string;
  allowList: () => readonly string[];
  log: (message: string) => void;
}

export function hardenSession(session: Session, options: HardenOptions): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onBeforeRequest((details, callback) => {
    const allowed = requestAllowed(details.url, options.rendererDirUrl);
    if (!allowed) options.log(`blocked a request to ${details.url}`);
    callback({ cancel: !allowed });
  });
  session.webRequest.onHeadersReceived((details, callback) =>
    callback({ responseHeaders: withContentSecurityPolicy(details.responseHeaders) }),
  );
}

export function hardenWebContents(contents: WebContents, options: HardenOptions): void {
  const guards = createNavigationGuards({
    pageUrl: options.pageUrl,
    allowList: options.allowList,
    openExternal: (url) => void shell.openExternal(url).catch((error: unknown) => options.log(String(error))),
    onBlocked: (url, reason) => options.log(`blocked ${url}: ${reason}`),
  });
  contents.on('will-navigate', (event, url) => guards.willNavigate(event, url));
  contents.on('will-redirect', (event, url) => guards.willRedirect(event, url));
  contents.on('will-frame-navigate', (details) => guards.willFrameNavigate(details));
  contents.on('will-attach-webview', (event) => guards.attachWebview(event));
  contents.setWindowOpenHandler((details) => guards.windowOpen(details));
}
