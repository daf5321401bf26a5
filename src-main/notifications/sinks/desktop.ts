import type { Severity } from '../../core/events.js';
import type { Notification, NotificationSink } from '../notification.js';

/** What the Electron shell implements (with its Notification API); the headless service has none. */
export interface DesktopNotifier {
  show(notification: { title: string; body: string; severity: Severity }): Promise<void> | void;
}

export class DesktopSink implements NotificationSink {
  readonly name = 'desktop' as const;

  constructor(private readonly notifier: DesktopNotifier) {}

  async send(notification: Notification): Promise<void> {
    await this.notifier.show({
      title: notification.title,
      body: notification.message,
      severity: notification.severity,
    });
  }
}
