import { z } from 'zod';
import { BOTCITY_ERROR_KINDS } from '../orchestrators/botcity/errors.js';

/** Why a step of the orchestrator check failed (the BotCity client's error kinds). */
const orchestratorFailureKindSchema = z.enum(BOTCITY_ERROR_KINDS);

const runnerLineSchema = z.object({
  id: z.string(),
  online: z.boolean().nullable(),
  type: z.enum(['desktop', 'background']).nullable(),
  queued: z.number().int(),
  running: z.number().int(),
  /** Busy in TIMEOUT: past its automation's time limit; its bot may still be running. */
  timedOut: z.number().int(),
  /** Busy in a state other than RUNNING or TIMEOUT (one the client has never seen). */
  otherBusy: z.number().int(),
});

/** What "test the orchestrator" found: the server, the login, and the queue per configured runner. */
export const orchestratorReportSchema = z.object({
  ok: z.boolean(),
  server: z.string(),
  login: z.string(),
  version: z.string().optional(),
  organization: z.string().optional(),
  /** The step that failed, and why (absent when `ok`). */
  step: z.enum(['version', 'login', 'queue']).optional(),
  kind: orchestratorFailureKindSchema.optional(),
  reason: z.string().optional(),
  runners: z.array(runnerLineSchema).optional(),
  queuedTotal: z.number().int().optional(),
  runningTotal: z.number().int().optional(),
  timedOutTotal: z.number().int().optional(),
  /** Records the orchestrator sent that failed their schema and were skipped, by kind. */
  skipped: z.object({ tasks: z.number(), runners: z.number(), schedules: z.number() }).optional(),
  refusedStates: z.array(z.string()).optional(),
  warnings: z.array(z.string()).optional(),
});

export type OrchestratorReport = z.infer<typeof orchestratorReportSchema>;
