import type { OrchestratorAlert } from '../../core/orchestrator.js';
import { BotCityError } from './errors.js';
import { alertRequestSchema } from './schemas.js';
import type { BotCitySession } from './session.js';

const PATH = '/api/v2/alerts';

/** Raises an alert inside Maestro (visible to the workspace's operators). */
export async function sendAlert(session: BotCitySession, alert: OrchestratorAlert): Promise<void> {
  const body = alertRequestSchema.parse({
    ...(alert.taskId !== undefined
      ? { taskId: /^\d+$/.test(alert.taskId) ? Number(alert.taskId) : alert.taskId }
      : {}),
    title: alert.title.slice(0, 500),
    message: alert.message.slice(0, 10_000),
    type: alert.type,
  });
  const response = await session.call({ method: 'POST', path: PATH, body });
  if (response.status < 200 || response.status >= 300)
    throw new BotCityError('http', `POST ${PATH}: unexpected HTTP ${response.status}`, {
      status: response.status,
    });
}
