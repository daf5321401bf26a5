import type { Orchestrator, OrchestratorAlert } from '../../core/orchestrator.js';
import type { Notification, NotificationSink } from '../notification.js';

const alertType: Record<Notification['severity'], OrchestratorAlert['type']> = {
  info: 'INFO',
  warning: 'WARN',
  error: 'ERROR',
};

/** Raises the notification as an alert inside the orchestrator (BotCity: POST /api/v2/alerts). */
export class OrchestratorAlertSink implements NotificationSink {
  readonly name = 'orchestrator' as const;

  constructor(private readonly orchestrator: Pick<Orchestrator, 'alert'>) {}

  send(notification: Notification): Promise<void> {
    // An unreachable orchestrator cannot hear about itself.
    if (notification.subject === 'orchestrator') return Promise.resolve();
    return this.orchestrator.alert({
      title: notification.title,
      message: notification.message,
      type: alertType[notification.severity],
    });
  }
}
