import { externalLinkDecision, navigationAllowed } from './navigation.js';

/**
 * The listeners the Electron edge attaches to every webContents (no Electron import: tests call them
 * with fake events). Navigation away from our page is cancelled; new windows are always denied; a
 * link that passes the external check opens in the user's browser instead.
 */

interface NavigationGuardOptions {
  pageUrl: string;
  allowList: () => readonly string[];
  /** shell.openExternal */
  openExternal: (url: string) => void;
  onBlocked?: (url: string, reason: string) => void;
}

interface Cancellable {
  preventDefault(): void;
}

export function createNavigationGuards(options: NavigationGuardOptions) {
  const openIfAllowed = (url: string) => {
    const decision = externalLinkDecision(url, options.allowList());
    if (decision.open) options.openExternal(decision.url);
    else options.onBlocked?.(url, decision.reason);
  };
  const cancel = (event: Cancellable, url: string): boolean => {
    if (navigationAllowed(url, options.pageUrl)) return false;
    event.preventDefault();
    return true;
  };
  return {
    /** will-navigate (a link in our page): cancelled; an allowed external link opens in the browser. */
    willNavigate: (event: Cancellable, url: string) => {
      if (cancel(event, url)) openIfAllowed(url);
    },
    /** will-redirect: cancelled, nothing opened. */
    willRedirect: (event: Cancellable, url: string) => void cancel(event, url),
    /**
     * will-frame-navigate (every frame, the main one too): only cancelled, since will-navigate already
     * offered the main frame's link to the browser.
     */
    willFrameNavigate: (details: Cancellable & { url: string }) => void cancel(details, details.url),
    /** setWindowOpenHandler: never a new window. */
    windowOpen: ({ url }: { url: string }): { action: 'deny' } => {
      openIfAllowed(url);
      return { action: 'deny' };
    },
    /** will-attach-webview: never. */
    attachWebview: (event: Cancellable) => event.preventDefault(),
  };
}
