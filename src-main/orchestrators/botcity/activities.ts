import { BotCityError } from './errors.js';
import { parseJson } from './http.js';
import { activitySchema } from './schemas.js';
import type { BotCitySession } from './session.js';

/**
 * The runners linked to an automation (`GET /api/v2/activity/{label}`): Maestro hands an unassigned
 * task to the first free one. Undefined when the server does not say (no such route, or no field
 * that lists them): the runners' `activities` in the config then define the pool.
 */
export async function linkedRunners(session: BotCitySession, label: string): Promise<string[] | undefined> {
  const path = `/api/v2/activity/${encodeURIComponent(label)}`;
  const response = await session.call({ method: 'GET', path });
  if (response.status === 404) return undefined;
  if (response.status !== 200)
    throw new BotCityError('http', `GET ${path}: unexpected HTTP ${response.status}`, {
      status: response.status,
    });
  return parseJson(response, activitySchema, `GET ${path}`).linkedRunners;
}
