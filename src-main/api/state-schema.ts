import { SCREEN_READINGS, SESSION_HEALTH_STATES, SESSION_STATES } from '../core/session-driver.js';
import { z } from 'zod';
import type { EventKind, ManagerEvent } from '../core/events.js';
import { POWER_ERROR_KINDS } from '../core/power-driver.js';
import {
  HOST_STAGES,
  type HostView,
  type ManagerState,
  type RunnerView,
  type SessionView,
} from '../core/state.js';

/**
 * Zod mirrors of the core's ManagerState and ManagerEvent, so the HTTP client and the IPC bridge can
 * check what crosses them. The type checks at the bottom fail to compile when the core and these drift.
 */

const powerState = z.enum(['on', 'starting', 'stopping', 'off', 'gone', 'unknown']);
const sessionState = z.enum(SESSION_STATES);
const hostStage = z.enum(HOST_STAGES);

export const hostViewSchema = z.object({
  id: z.string(),
  name: z.string(),
  protocol: z.enum(['rdp', 'aws-ec2', 'azure-vm']),
  address: z.string(),
  power: powerState,
  managed: z.boolean(),
  stage: hostStage,
  bootStartedAt: z.number().optional(),
  idleDeadline: z.number().optional(),
  bootLeadMs: z.number().optional(),
  hibernated: z.boolean().optional(),
  failed: z.boolean(),
  lastError: z.string().optional(),
  cloudError: z.object({ kind: z.enum(POWER_ERROR_KINDS), message: z.string(), hint: z.string() }).optional(),
  maxSessions: z.number(),
  runners: z.array(z.string()),
  reason: z.string().optional(),
  drainCount: z.number().optional(),
});

export const runnerViewSchema = z.object({
  id: z.string(),
  hostId: z.string(),
  queued: z.number(),
  running: z.number(),
  timedOut: z.number().optional(),
  otherBusy: z.record(z.string(), z.number()).optional(),
  online: z.boolean().optional(),
  oldestQueuedAt: z.number().optional(),
  sessionMode: z.enum(['rdp', 'console']),
  type: z.enum(['desktop', 'background']).optional(),
  lastBusyAt: z.number().optional(),
});

export const sessionViewSchema = z.object({
  key: z.string(),
  hostId: z.string(),
  user: z.string(),
  state: sessionState,
  since: z.number(),
  connectedAt: z.number().optional(),
  reconnects: z.number(),
  width: z.number(),
  height: z.number(),
  error: z.string().optional(),
  blocked: z.string().optional(),
  screen: z
    .object({
      width: z.number(),
      height: z.number(),
      reading: z.enum(SCREEN_READINGS),
      readingSince: z.number(),
      changedAt: z.number(),
    })
    .optional(),
  health: z
    .object({ state: z.enum(SESSION_HEALTH_STATES), reason: z.string(), since: z.number() })
    .optional(),
  /** While a task runs on the session: how often its screen changed between looks (the busy signal). */
  busy: z
    .object({ since: z.number(), looks: z.number(), changedLooks: z.number(), changedAt: z.number() })
    .optional(),
});

export const managerStateSchema = z.object({
  at: z.number(),
  paused: z.boolean(),
  orchestrator: z.object({
    status: z.enum(['ok', 'unreachable', 'unconfigured']),
    problem: z.string().optional(),
    lastObservedAt: z.number().optional(),
    skipped: z.object({ tasks: z.number(), runners: z.number(), schedules: z.number() }).optional(),
  }),
  queueDepth: z.number(),
  monthlyBudget: z
    .object({
      month: z.string(),
      used: z.number(),
      amount: z.number(),
      unit: z.enum(['money', 'vm-hours']),
      currency: z.string(),
      fraction: z.number(),
      whenSpent: z.enum(['notify', 'hold-starts']),
      holdingBelowPriority: z.number().optional(),
      unpricedHosts: z.number(),
    })
    .optional(),
  hostsOn: z.number(),
  maxHostsOn: z.number(),
  hostsUnknown: z.number(),
  hosts: z.array(hostViewSchema),
  runners: z.array(runnerViewSchema),
  sessions: z.array(sessionViewSchema),
  ticks: z.number(),
  lastTickAt: z.number().optional(),
  coordination: z
    .object({
      instanceId: z.string(),
      connected: z.boolean(),
      problem: z.string().optional(),
      instances: z.number(),
      holders: z.record(z.string(), z.string()),
    })
    .optional(),
});

export const eventKinds = [
  'host.starting',
  'host.started',
  'host.ready',
  'host.stopping',
  'host.stopped',
  'host.hibernate-refused',
  'host.failed',
  'host.drain',
  'host.cloud-error',
  'host.cloud-error-cleared',
  'session.opening',
  'session.opened',
  'session.closed',
  'session.lost',
  'session.restored',
  'session.failed',
  'session.unhealthy',
  'session.healthy',
  'session.repair-failed',
  'orchestrator.unreachable',
  'orchestrator.restored',
  'coordination.unreachable',
  'coordination.restored',
  'budget.reached',
  'budget.month-warning',
  'budget.month-spent',
  'certificate.pinned',
  'certificate.changed',
  'config.reloaded',
  'config.rejected',
  'service.started',
  'service.stopping',
  'service.paused',
  'service.resumed',
  'action.failed',
  'info',
] as const satisfies readonly EventKind[];

export const severitySchema = z.enum(['info', 'warning', 'error']);

export const managerEventSchema = z.object({
  id: z.number().int(),
  at: z.number(),
  kind: z.enum(eventKinds),
  severity: severitySchema,
  message: z.string(),
  hostId: z.string().optional(),
  runnerId: z.string().optional(),
  runnerIds: z.array(z.string()).optional(),
  sessionKey: z.string().optional(),
  data: z.record(z.string(), z.union([z.string(), z.number(), z.boolean(), z.null()])).optional(),
});

// Compile-time drift checks: the same keys, and each side assignable to the other. A field added to
// the core (even an optional one) fails here until it is added above; zod would otherwise drop it.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = Same<A, B> extends true ? Same<keyof A, keyof B> : false;
type Out<S extends z.ZodType> = z.infer<S>;
const checks: [
  SameShape<Out<typeof managerStateSchema>, ManagerState>,
  SameShape<Out<typeof managerStateSchema>['orchestrator'], ManagerState['orchestrator']>,
  SameShape<Out<typeof hostViewSchema>, HostView>,
  SameShape<Out<typeof runnerViewSchema>, RunnerView>,
  SameShape<Out<typeof sessionViewSchema>, SessionView>,
  SameShape<Out<typeof managerEventSchema>, ManagerEvent>,
  Same<(typeof eventKinds)[number], EventKind>,
] = [true, true, true, true, true, true, true];
void checks;
