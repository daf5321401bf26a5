import { z } from 'zod';
import { recordByRecord } from '../../lib/record-by-record.js';

/**
 * Every BotCity Maestro response, parsed with zod. Objects strip unknown fields (never fail on them).
 * Where /work/shared/botcity-orchestrator-api.md says a shape is unverified, both plausible shapes are accepted.
 */

/** Task and machine ids: Maestro's SDKs treat them as numbers or strings; we keep strings. */
const idLike = z.union([z.string().min(1), z.number().int().nonnegative()]).transform(String);

/**
 * An optional reference to a runner or an automation: text or a number (the JS SDK types machineId
 * `string | number | null`); empty text or null is "none".
 */
const optionalRef = z
  .union([z.string(), z.number().int()])
  .nullish()
  .transform((value) => (value === null || value === undefined || value === '' ? undefined : String(value)))
  .optional();

/** "2026-01-02T10:00:00" without an offset is UTC (the API document says dates are UTC). */
function parseDateText(text: string): number | undefined {
  const trimmed = text.trim();
  if (!/^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?)?(Z|[+-]\d{2}:?\d{2})?$/i.test(trimmed))
    return undefined;
  const hasZone = /(Z|[+-]\d{2}:?\d{2})$/i.test(trimmed) && /[T ]/.test(trimmed);
  const iso = trimmed.replace(' ', 'T').replace(/(\.\d{3})\d+/, '$1');
  const ms = Date.parse(hasZone ? iso : /T/.test(iso) ? `${iso}Z` : `${iso}T00:00:00Z`);
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A timestamp as epoch ms. Accepted: ISO-8601 text (with or without offset), epoch seconds or ms, and
 * Jackson's array form of a LocalDateTime ([y, m, d, h, min, s, nanos]) that Spring servers emit by default.
 */
export const timestampSchema = z
  .union([z.string(), z.number().finite(), z.array(z.number().int()).min(3).max(7)])
  .transform((value, ctx) => {
    if (typeof value === 'number') return value < 1e11 ? value * 1000 : value;
    if (Array.isArray(value)) {
      const [y, mo, d, h = 0, mi = 0, s = 0, nanos = 0] = value as [number, number, number, ...number[]];
      return Date.UTC(y, mo - 1, d, h, mi, s, Math.floor(nanos / 1e6));
    }
    const ms = parseDateText(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `not a date: ${JSON.stringify(value.slice(0, 40))}` });
      return z.NEVER;
    }
    return ms;
  });

export const versionSchema = z.object({ version: z.union([z.string(), z.number()]).transform(String) });

export const loginResponseSchema = z
  .object({
    accessToken: z.string().min(1).optional(),
    token: z.string().min(1).optional(),
    organizationLabel: z.string().min(1).optional(),
    organization: z.string().min(1).optional(),
  })
  .transform((value, ctx) => {
    const accessToken = value.accessToken ?? value.token;
    const organization = value.organizationLabel ?? value.organization;
    if (!accessToken) {
      ctx.addIssue({ code: 'custom', message: 'the login answer has no accessToken' });
      return z.NEVER;
    }
    // All three SDKs send the workspace login as `organization` when the answer names none.
    return { accessToken, organization };
  });

export const taskSchema = z.object({
  id: idLike,
  // Any state is kept, upper-cased: states.ts decides what is queued, finished or busy.
  state: z
    .string()
    .min(1)
    .transform((state) => state.trim().toUpperCase()),
  machineId: optionalRef,
  activityLabel: optionalRef,
  dateCreation: timestampSchema.nullish(),
  dateStartRunning: timestampSchema.nullish(),
  minExecutionDate: timestampSchema.nullish(),
  priority: z.number().nullish(),
  interrupted: z.boolean().nullish(),
  killed: z.boolean().nullish(),
});
export type BotCityTask = z.infer<typeof taskSchema>;

/**
 * A Spring page, read record by record: a record that fails its schema is skipped and counted
 * (`skipped`), never failing its neighbours or the page. A bare JSON array (a server that ignores
 * paging) is accepted as one last page.
 */
function pageSchema<T extends z.ZodType>(item: T) {
  const records = recordByRecord(item);
  const spring = z
    .object({
      content: records,
      last: z.boolean().nullish(),
      empty: z.boolean().nullish(),
      number: z.number().int().nullish(),
      totalPages: z.number().int().nullish(),
      totalElements: z.number().int().nullish(),
    })
    .transform(({ content, ...page }) => ({ ...page, ...content }));
  const bare = records.transform((content) => ({
    ...content,
    last: true as boolean | null | undefined,
    empty: content.raw === 0,
    number: undefined as number | null | undefined,
    totalPages: undefined as number | null | undefined,
    totalElements: content.raw as number | null | undefined,
  }));
  return z.union([spring, bare]);
}

export const taskPageSchema = pageSchema(taskSchema);

/** A runner as Maestro lists it. Which of `machineId`/`name` names it, and how online is said, are unverified. */
const machineSchema = z
  .object({
    machineId: optionalRef,
    // A runner's display name may be empty: it is then no id.
    name: optionalRef,
    id: optionalRef,
    isOnline: z.boolean().nullish(),
    online: z.boolean().nullish(),
    status: z.string().nullish(),
    // Desktop or Background (unverified field name and words; only Background needs no session).
    type: z.string().nullish(),
  })
  .transform((machine) => {
    const id = machine.machineId ?? machine.name ?? machine.id;
    const status = machine.status?.toUpperCase();
    const online =
      machine.isOnline ??
      machine.online ??
      (status === 'ONLINE' ? true : status === 'OFFLINE' ? false : undefined);
    const type = machine.type?.toUpperCase();
    const runnerType = type?.includes('BACKGROUND')
      ? 'background'
      : type?.includes('DESKTOP')
        ? 'desktop'
        : undefined;
    return { id, online, runnerType } as const;
  });
export const machinePageSchema = pageSchema(machineSchema);

export const scheduleSchema = z.object({
  id: idLike.nullish(),
  // A schedule made "by calendar" has no cron: it fails here and is skipped with a warning.
  cron: z.string().min(1),
  activityLabel: z.string().min(1),
  machineId: optionalRef,
  // Time zone and an on/off switch are unverified: honoured when present, else UTC and on.
  timeZone: z.string().nullish(),
  timezone: z.string().nullish(),
  enabled: z.boolean().nullish(),
  active: z.boolean().nullish(),
});
export type BotCitySchedule = z.infer<typeof scheduleSchema>;
export const schedulePageSchema = pageSchema(scheduleSchema);

export const alertRequestSchema = z.object({
  // Sent as a number when the id is numeric (Maestro's ids are), else as given.
  taskId: z.union([z.number().int().nonnegative(), z.string().min(1)]).optional(),
  title: z.string().min(1).max(500),
  message: z.string().max(10_000),
  type: z.enum(['INFO', 'WARN', 'ERROR']),
});

/**
 * An automation (activity) with its linked runners. Which field lists them is unverified: `machines`
 * (the JS SDK), `linkedMachines`, `machineIds` or `runners`, as ids or as objects carrying one.
 */
const linkedRunner = z.union([
  z.union([z.string().min(1), z.number().int()]).transform(String),
  z
    .object({ machineId: optionalRef, id: optionalRef, name: optionalRef })
    .transform((runner) => runner.machineId ?? runner.id ?? runner.name),
]);
export const activitySchema = z
  .object({
    machines: z.array(linkedRunner).nullish(),
    linkedMachines: z.array(linkedRunner).nullish(),
    machineIds: z.array(linkedRunner).nullish(),
    runners: z.array(linkedRunner).nullish(),
  })
  .transform((activity) => {
    const list = activity.machines ?? activity.linkedMachines ?? activity.machineIds ?? activity.runners;
    return { linkedRunners: list?.filter((id): id is string => !!id) };
  });
