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

type LeadMemory = Pick<HostMemory, 'bootLeadMs' | 'hibernated' | 'resumeLeadMs'>;

/**
 * The lead to start a host by: learned from its boots (from its resumes when it was hibernated: a
 * first resume is assumed to take a boot), else the default.
 */
export function bootLeadOf(memory: Readonly<LeadMemory> | undefined): number {
  const boot = memory?.bootLeadMs ?? DEFAULT_BOOT_LEAD_MS;
  return memory?.hibernated ? (memory.resumeLeadMs ?? boot) : boot;
}

/** A learned duration (boot, resume, stop): moving average weighting the latest measure by half. */
export function learnDuration(previous: number | undefined, measured: number): number {
  return previous === undefined ? measured : Math.round((previous + measured) / 2);
}

/** Learns what a start took: a resume from hibernation apart from a boot. */
export function learnLead(memory: LeadMemory, measured: number): void {
  if (memory.hibernated) memory.resumeLeadMs = learnDuration(memory.resumeLeadMs, measured);
  else memory.bootLeadMs = learnDuration(memory.bootLeadMs, measured);
}
