import { BotCityError } from './errors.js';
import { parseJson } from './http.js';
import { machinePageSchema } from './schemas.js';
import type { BotCitySession } from './session.js';

const PATH = '/api/v2/machine/pagination';

/**
 * Every runner's `isOnline`, read as one paged listing. Returns undefined when the server has no such
 * listing (404): then every runner is "unknown", which the planner must not read as offline.
 */
export async function listMachinesOnline(
  session: BotCitySession,
  options: { pageSize: number; maxPages: number },
): Promise<Record<string, boolean> | undefined> {
  const online: Record<string, boolean> = {};
  for (let page = 0; page < options.maxPages; page++) {
    const what = `GET ${PATH} (page ${page})`;
    const response = await session.call({
      method: 'GET',
      path: PATH,
      query: { page, size: options.pageSize },
    });
    if (response.status === 404 && page === 0) return undefined;
    if (response.status !== 200)
      throw new BotCityError('http', `${what}: unexpected HTTP ${response.status}`, {
        status: response.status,
      });
    const body = parseJson(response, machinePageSchema, what);
    for (const machine of body.content)
      if (machine.id !== undefined && machine.online !== undefined) online[machine.id] = machine.online;
    const ended =
      body.last === true ||
      body.empty === true ||
      body.content.length === 0 ||
      (body.totalPages != null && page + 1 >= body.totalPages) ||
      (body.last == null && body.totalPages == null && body.content.length < options.pageSize);
    if (ended) return online;
  }
  throw new BotCityError('malformed', `GET ${PATH}: more than ${options.maxPages} pages of machines`);
}
