import { policySchema } from '../../../src-main/config/schema.js';

/** The policy's numbers, each with what it does; defaults come from the config schema itself. */

export const policyDefaults = policySchema.parse({});

/** The strategies, each with what it means for the bots and the bill. */
export const strategyChoices = [
  {
    value: 'cost',
    label: 'Cost',
    help: 'Fewest VM-hours: hosts stop as soon as a restart is cheaper than waiting, and start ahead only for near-certain work. A task may wait for its host to boot. (A waiting hour is worth a quarter of a VM-hour.)',
  },
  {
    value: 'balanced',
    label: 'Balanced',
    help: 'A task waiting an hour costs as much as a VM on for an hour: hosts stay on through short gaps and start ahead of work that usually comes.',
  },
  {
    value: 'speed',
    label: 'Speed',
    help: 'Tasks should not wait: hosts stay warm through working hours and start ahead of any work that has come at that time before. Costs more VM-hours. (A waiting hour is worth ten VM-hours.)',
  },
] as const;

/** Empty means: worked out per host (break-even idle; the billed first minute). */
export const optionalPolicies = [
  {
    key: 'idleGraceMinutes',
    label: 'Idle grace (minutes)',
    help: 'How long an idle host stays on before it stops. Empty: each host its own break-even time, from what a restart costs it and how soon its work usually comes back.',
  },
  {
    key: 'minUptimeMinutes',
    label: 'Minimum uptime (minutes)',
    help: 'A started host stays on at least this long. Empty: 1 minute, what a cloud bills for any start.',
  },
] as const;

export type OptionalPolicy = (typeof optionalPolicies)[number]['key'];

export const numericPolicies = [
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
