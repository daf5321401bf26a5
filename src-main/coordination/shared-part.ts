import { z } from 'zod';
import { hostViewSchema, runnerViewSchema, sessionViewSchema } from '../api/state-schema.js';
import type { SharedPart } from '../core/fleet-view.js';
import { recordByRecord } from '../lib/record-by-record.js';

const sharedPartSchema = z.object({
  hosts: recordByRecord(hostViewSchema),
  runners: recordByRecord(runnerViewSchema),
  sessions: recordByRecord(sessionViewSchema),
});

/**
 * What another instance shared, checked record by record: a host, runner or session that does not
 * read is left out (and counted), never the rest of the part with it.
 */
export function readSharedPart(instanceId: string, value: unknown): { part: SharedPart; skipped: number } {
  const read = sharedPartSchema.safeParse(value);
  if (!read.success) return { part: { instanceId, hosts: [], runners: [], sessions: [] }, skipped: 1 };
  const { hosts, runners, sessions } = read.data;
  return {
    part: { instanceId, hosts: hosts.content, runners: runners.content, sessions: sessions.content },
    skipped: hosts.skipped + runners.skipped + sessions.skipped,
  };
}
