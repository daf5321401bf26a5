import { readAllPages } from './paging.js';
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
  const machines = await readAllPages(session, PATH, machinePageSchema, { ...options, noun: 'machines' });
  if (!machines) return undefined;
  const online: Record<string, boolean> = {};
  for (const machine of machines)
    if (machine.id !== undefined && machine.online !== undefined) online[machine.id] = machine.online;
  return online;
}
