/**
 * BotCity task states as an allow-list of what is finished. START is queued; the finished states
 * below end a task; every other state, known or not (RUNNING, TIMEOUT, one never seen), is busy: its
 * bot may still be running, so its runner's session and host are never taken away under it.
 * Sources: the SDKs' AutomationTaskState (START, RUNNING, FINISHED, CANCELED); finish statuses
 * (SUCCESS, FAILED, PARTIALLY_COMPLETED); BotCity docs "What's new" 2026-04 (Timeout, which "can still
 * transition to Finished, Partially Finished or Error").
 */
export const QUEUED_STATE = 'START';

const FINISHED_STATES: ReadonlySet<string> = new Set([
  'FINISHED',
  'CANCELED',
  'CANCELLED',
  'FAILED',
  'ERROR',
  'PARTIALLY_FINISHED',
  'PARTIALLY_COMPLETED',
  'SUCCESS',
  'COMPLETED',
]);

/** Busy states listed every tick from the start; others are learned as they are seen. */
export const KNOWN_BUSY_STATES = ['RUNNING', 'TIMEOUT'] as const;

type StateClass = 'queued' | 'busy' | 'finished';

export function classify(state: string): StateClass {
  if (state === QUEUED_STATE) return 'queued';
  return FINISHED_STATES.has(state) ? 'finished' : 'busy';
}
