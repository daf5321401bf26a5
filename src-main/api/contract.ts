import { z } from 'zod';
import { fingerprintSchema, idSchema } from '../config/schema.js';
import type { ManagerEvent } from '../core/events.js';
import {
  hostInputSchema,
  hostPatchSchema,
  hostReplySchema,
  runnerInputSchema,
  runnerPatchSchema,
  runnerReplySchema,
  settingsPatchSchema,
  settingsReplySchema,
} from './config-schemas.js';
import { eventKinds, managerEventSchema, managerStateSchema, severitySchema } from './state-schema.js';
import { orchestratorReportSchema } from './orchestrator-report.js';
import { costInputSchema, costReportSchema, whatIfInputSchema, whatIfReportSchema } from './cost-schema.js';

/**
 * The Session Manager API, declared once: operation name → zod schemas of its input and output.
 * The HTTP server and client, the Electron IPC bridge (main and preload) and the UI all use this.
 * Every operation takes one input object (absent when empty) and resolves to its output; failures
 * are ApiError (errors.ts) with a code, a message and, for bad input, each field and reason.
 */

const none = z.strictObject({});
const ok = z.object({ ok: z.literal(true) });

const checkResultSchema = z.object({
  ok: z.boolean(),
  detail: z.string().optional(),
  error: z.string().optional(),
  skipped: z.boolean().optional(),
  kind: z.string().optional(),
  security: z.enum(['nla', 'tls']).optional(),
  logon: z.enum(['nla', 'notification', 'desktop', 'unconfirmed']).optional(),
});

const sinkNameSchema = z.enum(['email', 'webhook', 'orchestrator', 'desktop']);

const eventKindFamilies = [...new Set(eventKinds.map((kind) => kind.split('.')[0]!))];

/** The event log's search (core/event-filter.ts): every field narrows. */
const eventQueryShape = {
  /** Only events with a greater id. */
  afterId: z.number().int().min(0).optional(),
  /** Words that must all appear (any case) in the message, kind, host, runners, session or details. */
  text: z.string().max(200).optional(),
  /** One kind (`session.failed`) or a family (`session`). */
  kind: z.enum([...eventKinds, ...eventKindFamilies] as [string, ...string[]]).optional(),
  hostId: idSchema.optional(),
  /** Events that concern this runner. */
  runnerId: idSchema.optional(),
  sessionKey: z.string().min(1).max(300).optional(),
  /** This severity or worse. */
  severity: severitySchema.optional(),
  /** Epoch ms, inclusive. */
  from: z.number().int().min(0).optional(),
  /** Epoch ms, exclusive. */
  to: z.number().int().min(0).optional(),
};

const listEventsInputSchema = z.strictObject({
  ...eventQueryShape,
  /** The newest `limit` events that match (oldest first in the reply). */
  limit: z.number().int().min(1).max(1000).default(200),
});

const exportEventsInputSchema = z.strictObject({
  ...eventQueryShape,
  format: z.enum(['jsonl', 'csv']).default('jsonl'),
  /** The newest `limit` events that match, oldest first (every retained event by default). */
  limit: z.number().int().min(1).max(10_000).default(10_000),
});

const testHostInputSchema = z
  .strictObject({
    /** Test a stored host. */
    hostId: idSchema.optional(),
    /** Or test a host before saving it (the wizard): its secrets are used for the test only. */
    host: hostInputSchema.optional(),
  })
  .refine((input) => (input.hostId === undefined) !== (input.host === undefined), {
    message: 'give either hostId or host',
    path: ['hostId'],
  });

export const operations = {
  getState: { input: none, output: managerStateSchema },
  listEvents: { input: listEventsInputSchema, output: z.array(managerEventSchema) },
  /** The same search as a file: JSON Lines or CSV (over HTTP, the file itself with its name). */
  exportEvents: {
    input: exportEventsInputSchema,
    output: z.object({ filename: z.string(), mediaType: z.string(), text: z.string() }),
  },

  /** What the hosts cost over a period, from the recorded history, against the same hosts always on. */
  getCost: { input: costInputSchema, output: costReportSchema },
  /**
   * Replays the recorded tasks of a period through the simulator under the current policy and under
   * other settings, beside what was recorded and the offline optimum.
   */
  whatIf: { input: whatIfInputSchema, output: whatIfReportSchema },

  listHosts: { input: none, output: z.array(hostReplySchema) },
  addHost: { input: hostInputSchema, output: hostReplySchema },
  editHost: { input: hostPatchSchema, output: hostReplySchema },
  removeHost: { input: z.strictObject({ id: idSchema }), output: z.object({ removed: z.string() }) },

  listRunners: { input: none, output: z.array(runnerReplySchema) },
  attachRunner: { input: runnerInputSchema, output: runnerReplySchema },
  editRunner: { input: runnerPatchSchema, output: runnerReplySchema },
  releaseRunner: { input: z.strictObject({ id: idSchema }), output: z.object({ released: z.string() }) },

  getSettings: { input: none, output: settingsReplySchema },
  updateSettings: { input: settingsPatchSchema, output: settingsReplySchema },

  testHostConnection: {
    input: testHostInputSchema,
    output: z.object({ rdp: checkResultSchema, cloud: checkResultSchema }),
  },
  /** Asks the configured orchestrator for its version, logs in and reads the queue once (nothing is saved). */
  testOrchestrator: {
    input: z.strictObject({ timeoutSeconds: z.number().positive().max(300).default(30) }),
    output: orchestratorReportSchema,
  },
  sendTestNotification: {
    input: z.strictObject({ sink: sinkNameSchema.optional() }),
    output: z.object({
      results: z.array(z.object({ sink: sinkNameSchema, ok: z.boolean(), error: z.string().optional() })),
    }),
  },

  /**
   * The operator's Retry: forgets one host's failure, back-off and blocked sessions (nothing else),
   * so the next tick may start it and open its sessions again.
   */
  retryHost: {
    input: z.strictObject({ hostId: idSchema }),
    output: z.object({ retried: z.array(z.string()) }),
  },
  /** Retry for every host that is failed or has a blocked session. */
  retryAllHosts: { input: none, output: z.object({ retried: z.array(z.string()) }) },

  pause: { input: none, output: z.object({ paused: z.boolean() }) },
  resume: { input: none, output: z.object({ paused: z.boolean() }) },
  tickNow: { input: none, output: ok },

  thumbnail: {
    input: z.strictObject({
      sessionKey: z.string().min(1).max(300),
      maxWidth: z.number().int().min(16).max(4096).default(320),
    }),
    output: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'PNG bytes'),
  },
  /** The session's screen kept with an event about its desktop's health (`data.screen`). */
  eventScreen: {
    input: z.strictObject({ eventId: z.number().int().positive() }),
    output: z.custom<Uint8Array>((value) => value instanceof Uint8Array, 'PNG bytes'),
  },
  trustCertificate: {
    input: z.strictObject({
      hostId: idSchema,
      /** Absent: trust the certificate the host presented last (the one that was refused). */
      fingerprint: fingerprintSchema.optional(),
    }),
    output: z.object({ hostId: z.string(), fingerprint: z.string() }),
  },
} as const satisfies Record<string, { input: z.ZodType; output: z.ZodType }>;

/** Push channels: SSE over HTTP, a push channel over IPC. Replays events after `afterId`, then live. */
export const streams = {
  events: {
    input: z.strictObject({ afterId: z.number().int().min(0).optional() }),
    item: managerEventSchema,
  },
} as const;

export type OperationName = keyof typeof operations;
type OperationInput<K extends OperationName> = z.input<(typeof operations)[K]['input']>;
export type OperationOutput<K extends OperationName> = z.output<(typeof operations)[K]['output']>;

type Method<K extends OperationName> =
  Record<string, never> extends OperationInput<K>
    ? (input?: OperationInput<K>) => Promise<OperationOutput<K>>
    : (input: OperationInput<K>) => Promise<OperationOutput<K>>;

type SessionManagerOperations = { [K in OperationName]: Method<K> };

export interface EventSubscription {
  /** Stops the stream. */
  close(): void;
}

/** The whole API, as the UI sees it, whatever the transport. */
export interface SessionManagerApi extends SessionManagerOperations {
  /** Replays events after `afterId`, then streams new ones until closed. */
  subscribeEvents(
    input: z.input<typeof streams.events.input>,
    onEvent: (event: ManagerEvent) => void,
    onError?: (error: Error) => void,
  ): EventSubscription;
}

export const operationNames = Object.keys(operations) as OperationName[];
