/**
 * Who may call the IPC handlers: only the main frame of our own window, showing our own page. A
 * subframe, another window, or our window after it was somehow navigated elsewhere is refused.
 */

/** The parts of Electron's IpcMainInvokeEvent / IpcMainEvent that the check reads. */
export interface SenderEventLike {
  sender: { id: number };
  senderFrame: { url: string; parent: unknown } | null;
}

export interface TrustedSender {
  /** webContents.id of our window. */
  webContentsId: number;
  /** The file:// URL of our index.html. */
  pageUrl: string;
}

/** Same file: protocol and path; the fragment (the UI's route) and query may differ. */
export function isOurPage(url: string, pageUrl: string): boolean {
  let actual: URL;
  let expected: URL;
  try {
    actual = new URL(url);
    expected = new URL(pageUrl);
  } catch {
    return false;
  }
  return (
    actual.protocol === 'file:' &&
    expected.protocol === 'file:' &&
    actual.host === expected.host &&
    actual.pathname === expected.pathname
  );
}

/** Undefined when the sender is trusted, else why it is not (for the log and the error reply). */
export function senderProblem(
  event: SenderEventLike,
  trusted: TrustedSender | undefined,
): string | undefined {
  if (!trusted) return 'the app window is not open';
  if (event.sender.id !== trusted.webContentsId) return 'the sender is not the app window';
  const frame = event.senderFrame;
  if (!frame) return 'the sending frame is gone';
  if (frame.parent !== null) return 'the sender is a subframe';
  if (!isOurPage(frame.url, trusted.pageUrl)) return 'the sender is not showing the app page';
  return undefined;
}
