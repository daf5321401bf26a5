import type { EventKind, Severity } from '../core/events.js';

/** What a sink sends: one transition, in words a person reads on a phone. */
export interface Notification {
  /** The event kind that caused it, or `test` for a test notification. */
  kind: EventKind | 'test';
  /** What changed: `host:<id>`, `session:<key>`, `orchestrator`, `budget`. */
  subject: string;
  severity: Severity;
  title: string;
  message: string;
  /** Epoch ms. */
  at: number;
  hostId?: string;
  runnerId?: string;
  /** Changes of this subject folded into this notification by flap suppression. */
  suppressed: number;
}

export type SinkName = 'email' | 'webhook' | 'orchestrator' | 'desktop';

export interface NotificationSink {
  readonly name: SinkName;
  /** Throws (or rejects) when the notification could not be delivered; the dispatcher reports it. */
  send(notification: Notification): Promise<void>;
}

export function testNotification(at: number): Notification {
  return {
    kind: 'test',
    subject: 'test',
    severity: 'info',
    title: 'Test notification from Session Manager',
    message: 'If you can read this, Session Manager can reach you here.',
    at,
    suppressed: 0,
  };
}

/** The body text shared by email and chat formats. */
export function notificationText(notification: Notification): string {
  const lines = [notification.message];
  if (notification.suppressed > 0)
    lines.push(
      `(${notification.suppressed} earlier change${notification.suppressed === 1 ? '' : 's'} of this state were held back to avoid flapping.)`,
    );
  lines.push(`Time: ${new Date(notification.at).toISOString()}`);
  return lines.join('\n');
}
