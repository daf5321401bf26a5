import { policySchema } from '../../../src-main/config/schema.js';

/** The policy's numbers, each with what it does; defaults come from the config schema itself. */

export const policyDefaults = policySchema.parse({});

export const numericPolicies = [
  {
    key: 'idleGraceMinutes',
    label: 'Idle grace (minutes)',
    help: 'How long a runner may have no queued or running task before its session closes and its host powers off.',
  },
  {
    key: 'minUptimeMinutes',
    label: 'Minimum uptime (minutes)',
    help: 'A started host stays on at least this long, so it does not flap on and off.',
  },
  {
    key: 'bootTimeoutMinutes',
    label: 'Boot timeout (minutes)',
    help: 'A host that is not ready by then counts as a failed start and is retried with back-off.',
  },
  {
    key: 'maxHostsOn',
    label: 'Hosts on at most',
    help: 'The budget: never more hosts on at once; the oldest queued work is served first when it binds.',
  },
  {
    key: 'drainObservations',
    label: 'Idle checks before stop',
    help: 'Consecutive idle readings of the queue needed before a host is drained and stopped.',
  },
  {
    key: 'maxStartAttempts',
    label: 'Start attempts',
    help: 'Failed starts or connects before a host is marked failed and waits for you.',
  },
] as const;

export type NumericPolicy = (typeof numericPolicies)[number]['key'];
