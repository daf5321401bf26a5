import type { HostConfig, PolicyConfig } from '../../config/schema.js';
import type { HostMemory } from '../memory.js';

/** The timers of one host: its own overrides, else the global policy. In ms. */
export interface HostTimers {
  graceMs: number;
  minUptimeMs: number;
  bootTimeoutMs: number;
}

export function hostTimers(host: HostConfig, policy: PolicyConfig): HostTimers {
  return {
    graceMs: (host.idleGraceMinutes ?? policy.idleGraceMinutes) * 60_000,
    minUptimeMs: (host.minUptimeMinutes ?? policy.minUptimeMinutes) * 60_000,
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
