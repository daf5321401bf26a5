import { z } from 'zod';
import { policySchema } from '../config/schema.js';
import { costGroupings } from '../history/cost.js';

/** A period in epoch ms; either end may be left to the operation's default. */
const period = {
  from: z.number().int().min(0).optional(),
  to: z.number().int().min(0).optional(),
};
const inOrder = (input: { from?: number | undefined; to?: number | undefined }) =>
  input.from === undefined || input.to === undefined || input.from < input.to;
const inOrderMessage = { message: 'from must be before to', path: ['from'] };

/** `getCost`: a period (default the last 30 days up to now) and how to group it. */
export const costInputSchema = z
  .strictObject({ ...period, by: z.enum(costGroupings).default('host') })
  .refine(inOrder, inOrderMessage);

const costRowSchema = z.object({
  key: z.string(),
  vmHours: z.number(),
  cost: z.number().optional(),
  starts: z.number(),
  stops: z.number(),
  sessionHours: z.number(),
  tasks: z.number().int(),
  waitMeanSeconds: z.number().optional(),
  waitP95Seconds: z.number().optional(),
  alwaysOnVmHours: z.number(),
  alwaysOnCost: z.number().optional(),
});

export const costReportSchema = z.object({
  from: z.number(),
  to: z.number(),
  by: z.enum(costGroupings),
  currency: z.string(),
  rows: z.array(costRowSchema),
  total: costRowSchema,
});

/** Policy settings to replay instead of the current ones (absent: as configured). */
export const policyChangeSchema = z.strictObject({
  strategy: policySchema.shape.strategy.unwrap().optional(),
  idleGraceMinutes: policySchema.shape.idleGraceMinutes.unwrap().optional(),
  minUptimeMinutes: policySchema.shape.minUptimeMinutes.unwrap().optional(),
  bootTimeoutMinutes: policySchema.shape.bootTimeoutMinutes.unwrap().optional(),
  maxHostsOn: policySchema.shape.maxHostsOn.unwrap().optional(),
  drainObservations: policySchema.shape.drainObservations.unwrap().optional(),
  prewarm: policySchema.shape.prewarm.unwrap().optional(),
});

/** `whatIf`: a period (default the last 7 days up to now) and the settings to try. */
export const whatIfInputSchema = z
  .strictObject({ ...period, policy: policyChangeSchema.default({}) })
  .refine(inOrder, inOrderMessage);

const whatIfColumnSchema = z.object({
  name: z.enum(['recorded', 'current', 'proposed', 'optimum']),
  vmHours: z.number(),
  cost: z.number().optional(),
  starts: z.number(),
  tasks: z.number().int(),
  meanWaitSeconds: z.number(),
  p95WaitSeconds: z.number(),
  interruptions: z.number().int().optional(),
});

export const whatIfReportSchema = z.object({
  from: z.number(),
  to: z.number(),
  currency: z.string(),
  proposed: z.record(z.string(), z.unknown()),
  columns: z.array(whatIfColumnSchema),
  replay: z.object({
    tasks: z.number().int(),
    skippedTasks: z.number().int(),
    tickSeconds: z.number(),
    stopSeconds: z.number(),
    sessionOpenSeconds: z.number(),
    bootSeconds: z.record(z.string(), z.number()),
  }),
});
