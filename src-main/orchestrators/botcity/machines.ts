import { readAllPages } from './paging.js';
import { machinePageSchema } from './schemas.js';
import type { BotCitySession } from './session.js';

const PATH = '/api/v2/machine/pagination';

interface MachineListing {
  /** Runner id → online, for runners that say. */
  online: Record<string, boolean>;
  /** Runner id → its type, for runners that say. */
  types: Record<string, 'desktop' | 'background'>;
  /** Records that failed their schema, or named no runner, and were skipped. */
  skipped: number;
}

/**
 * Every runner's `isOnline` and type, read as one paged listing. Returns undefined when the server
 * has no such listing (404): then every runner is "unknown", which the planner must not read as offline.
 */
export async function listMachines(
  session: BotCitySession,
  options: { pageSize: number; maxPages: number },
): Promise<MachineListing | undefined> {
  const read = await readAllPages(session, PATH, machinePageSchema, { ...options, noun: 'machines' });
  if (!read) return undefined;
  const listing: MachineListing = { online: {}, types: {}, skipped: read.skipped };
  for (const machine of read.items) {
    if (machine.id === undefined) {
      listing.skipped++;
      continue;
    }
    if (machine.online !== undefined) listing.online[machine.id] = machine.online;
    if (machine.runnerType) listing.types[machine.id] = machine.runnerType;
  }
  return listing;
}
