import { Notification } from 'electron';
import type { DesktopNotice } from './desktop-notifier.js';

/** The Electron edge of desktop notifications: shows a DesktopNotice; a click opens the window. */
export function electronNotice(options: {
  iconPath: string;
  onClick: () => void;
}): (notice: DesktopNotice) => void {
  return (notice) => {
    if (!Notification.isSupported()) throw new Error('this desktop does not support notifications');
    const note = new Notification({
      title: notice.title,
      body: notice.body,
      icon: options.iconPath,
      urgency: notice.urgency,
      timeoutType: notice.urgency === 'critical' ? 'never' : 'default',
    });
    note.on('click', options.onClick);
    note.show();
  };
}
