import type { PolicyConfig } from '../../config/schema.js';

/**
 * The strategy: what one hour of a task waiting is worth, in VM-hours. Every cost-or-speed decision
 * (how long to stay idle, whether to pre-warm for expected work) weighs VM time against waiting time
 * at this price. Speed is priced so that a host stays warm through a working day of irregular bursts;
 * cost so that it stops as soon as a restart is cheaper than waiting for more work.
 */
export const WAIT_PRICE: Record<PolicyConfig['strategy'], number> = {
  cost: 0.25,
  balanced: 1,
  speed: 10,
};

/** How long a stop takes (billed until stopped) before one was measured: Windows on EC2 or Azure, about a minute. */
export const STOP_MS = 60_000;

/** The host's learned stop time, else the default. */
export function stopTimeOf(memory: { stopMs?: number } | undefined): number {
  return memory?.stopMs ?? STOP_MS;
}

/**
 * The cost, in ms of VM time, of stopping now and starting again for the next task: the stop, the
 * boot, and the boot again as the waiting of the tasks that arrive meanwhile, at the strategy's price.
 */
export function restartCostMs(leadMs: number, price: number, tasksPerWake = 1, stopMs = STOP_MS): number {
  return stopMs + leadMs + price * leadMs * tasksPerWake;
}
