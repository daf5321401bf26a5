import type { HostConfig, PolicyConfig } from '../../config/schema.js';
import type { HostMemory } from '../memory.js';

/** The timers of one host: its own overrides, else the global policy. In ms; undefined = break-even. */
export interface HostTimers {
  /** Set by the operator; undefined: the host's break-even idle time (policies/break-even.ts). */
  graceMs: number | undefined;
  minUptimeMs: number;
  bootTimeoutMs: number;
}

/** The minimum a cloud bills for a start (EC2 Windows bills per second with a 1-minute minimum). */
export const BILLED_MINIMUM_MS = 60_000;

export function hostTimers(host: HostConfig, policy: PolicyConfig): HostTimers {
  const grace = host.idleGraceMinutes ?? policy.idleGraceMinutes;
  const minUptime = host.minUptimeMinutes ?? policy.minUptimeMinutes;
  return {
    graceMs: grace === undefined ? undefined : grace * 60_000,
    minUptimeMs: minUptime === undefined ? BILLED_MINIMUM_MS : minUptime * 60_000,
    bootTimeoutMs: policy.bootTimeoutMinutes * 60_000,
  };
}

/** Boot lead assumed before a host's first measured boot. */
const DEFAULT_BOOT_LEAD_MS = 4 * 60_000;

/** The lead to start a host by: the one learned from its boots, else the default. */
export function bootLeadOf(memory: Readonly<Pick<HostMemory, 'bootLeadMs'>> | undefined): number {
  return memory?.bootLeadMs ?? DEFAULT_BOOT_LEAD_MS;
}

/** Learned boot lead: moving average weighting the latest boot by half. */
export function learnBootLead(previous: number | undefined, measured: number): number {
  return previous === undefined ? measured : Math.round((previous + measured) / 2);
}
