import type { Severity } from '../../core/events.js';
import type { DesktopNotifier } from '../../notifications/sinks/desktop.js';

/**
 * The desktop end of the service's notifications. The service's dispatcher (the same decider and
 * flap suppression as email and webhooks) calls the DesktopSink, which calls this notifier. No
 * Electron here: `show` is injected (electron-notifier.ts), so the decisions and texts are tested
 * under Node.
 */

export interface DesktopNotice {
  title: string;
  body: string;
  /** Linux urgency; a critical one stays on screen until dismissed. */
  urgency: 'low' | 'normal' | 'critical';
}

export function desktopNotice(notification: {
  title: string;
  body: string;
  severity: Severity;
}): DesktopNotice {
  const urgency =
    notification.severity === 'error' ? 'critical' : notification.severity === 'warning' ? 'normal' : 'low';
  return { title: notification.title, body: notification.body, urgency };
}

/**
 * Shows notifications while the config's `notifications.desktop` is on (read at each one, so a change
 * applies at once); while it is off, nothing is shown.
 */
export function settingsGatedNotifier(
  show: (notice: DesktopNotice) => void,
  enabled: () => boolean,
): DesktopNotifier {
  return {
    show(notification) {
      if (enabled()) show(desktopNotice(notification));
    },
  };
}
