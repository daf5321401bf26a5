import type { Action } from '../actions.js';
import type { HostMemory } from '../memory.js';

/**
 * Give up on a host: no more starts until the operator retries it. Returns what tells the reconciler
 * (mark it failed) and the operator (one alert).
 */
export function failHost(memory: HostMemory, hostId: string, reason: string, now: number): Action[] {
  memory.failed = { at: now, reason };
  memory.retryAt = undefined;
  memory.restartPending = undefined;
  return [
    { kind: 'markFailed', hostId, reason },
    {
      kind: 'alert',
      event: 'host.failed',
      severity: 'error',
      title: `Host ${hostId} failed`,
      reason: `${reason}. Session Manager will not start it again until you retry it.`,
      hostId,
    },
  ];
}
