import { z } from 'zod';

/** A task trace the simulator replays. Times are ms from the trace's start. */

export const traceTaskSchema = z
  .object({
    id: z.string(),
    /** The runner the task is assigned to; absent for a task of an automation (`activity`) that goes to
     * the first free runner of its pool, as Maestro does with linked runners. */
    runner: z.string().optional(),
    activity: z.string().optional(),
    arriveAt: z.number().min(0),
    durationMs: z.number().positive(),
    /** Not to start before (BotCity minExecutionDate), ms from the start. */
    notBefore: z.number().min(0).optional(),
    priority: z.number().int().min(0).max(10).default(5),
  })
  .refine((task) => (task.runner === undefined) !== (task.activity === undefined), {
    message: 'a task names either a runner or an activity',
  });

export const traceSchema = z.object({
  name: z.string(),
  description: z.string(),
  seed: z.number().int(),
  /** Epoch ms of the trace's start (for keep-warm windows and the calendar). */
  start: z.number(),
  durationMs: z.number().positive(),
  /** `resumeMs`: the host hibernates when stopped, and resumes in this time instead of booting. */
  hosts: z
    .array(
      z.object({ id: z.string(), bootMs: z.number().positive(), resumeMs: z.number().positive().optional() }),
    )
    .min(1),
  /** `activities`: the automations whose unassigned tasks the runner may take (its pools). */
  runners: z
    .array(z.object({ id: z.string(), host: z.string(), activities: z.array(z.string()).optional() }))
    .min(1),
  tasks: z.array(traceTaskSchema),
  /** Scheduled runs the orchestrator announces ahead (pre-warm): runner and time, ms from the start. */
  schedules: z.array(z.object({ runner: z.string(), at: z.number().min(0) })).default([]),
});

export type Trace = z.infer<typeof traceSchema>;
export type TraceTask = z.infer<typeof traceTaskSchema>;
