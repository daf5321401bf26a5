import { z } from 'zod';
import { costGroupings } from '../history/cost.js';

/** `getCost`: a period (epoch ms; default the last 30 days up to now) and how to group it. */
export const costInputSchema = z
  .strictObject({
    from: z.number().int().min(0).optional(),
    to: z.number().int().min(0).optional(),
    by: z.enum(costGroupings).default('host'),
  })
  .refine((input) => input.from === undefined || input.to === undefined || input.from < input.to, {
    message: 'from must be before to',
    path: ['from'],
  });

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
