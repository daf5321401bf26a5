import { z } from 'zod';

/** A task trace the simulator replays. Times are ms from the trace's start. */

export const traceTaskSchema = z.object({
  id: z.string(),
  runner: z.string(),
  arriveAt: z.number().min(0),
  durationMs: z.number().positive(),
  /** Not to start before (BotCity minExecutionDate), ms from the start. */
  notBefore: z.number().min(0).optional(),
  priority: z.number().int().min(0).max(10).default(5),
});

export const traceSchema = z.object({
  name: z.string(),
  description: z.string(),
  seed: z.number().int(),
  /** Epoch ms of the trace's start (for keep-warm windows and the calendar). */
  start: z.number(),
  durationMs: z.number().positive(),
  hosts: z.array(z.object({ id: z.string(), bootMs: z.number().positive() })).min(1),
  runners: z.array(z.object({ id: z.string(), host: z.string() })).min(1),
  tasks: z.array(traceTaskSchema),
  /** Scheduled runs the orchestrator announces ahead (pre-warm): runner and time, ms from the start. */
  schedules: z.array(z.object({ runner: z.string(), at: z.number().min(0) })).default([]),
});

export type Trace = z.infer<typeof traceSchema>;
export type TraceTask = z.infer<typeof traceTaskSchema>;
