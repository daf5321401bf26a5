import { z } from 'zod';
import { hostViewSchema, runnerViewSchema, sessionViewSchema } from '../api/state-schema.js';
import type { SharedPart } from '../core/fleet-view.js';

/**
 * What another instance shared, checked record by record: a host, runner or session that does not
 * read is left out (and counted), never the rest of the part with it.
 */
export function readSharedPart(instanceId: string, value: unknown): { part: SharedPart; skipped: number } {
  const lists = z
    .object({ hosts: z.array(z.unknown()), runners: z.array(z.unknown()), sessions: z.array(z.unknown()) })
    .safeParse(value);
  if (!lists.success) return { part: { instanceId, hosts: [], runners: [], sessions: [] }, skipped: 1 };
  let skipped = 0;
  const each = <T>(schema: z.ZodType<T>, records: unknown[]): T[] =>
    records.flatMap((record) => {
      const read = schema.safeParse(record);
      if (read.success) return [read.data];
      skipped++;
      return [];
    });
  const part: SharedPart = {
    instanceId,
    hosts: each(hostViewSchema, lists.data.hosts),
    runners: each(runnerViewSchema, lists.data.runners),
    sessions: each(sessionViewSchema, lists.data.sessions),
  };
  return { part, skipped };
}
