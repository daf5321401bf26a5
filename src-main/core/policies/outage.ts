import type { Config } from '../../config/schema.js';
import type { Action } from '../actions.js';
import type { WorkingMemory } from '../memory.js';
import type { Snapshot } from '../snapshot.js';
import { plural } from '../words.js';

/**
 * Orchestrator outage: while the queue cannot be read completely, nothing new starts and nothing
 * stops (unknown is not idle). The change is announced once each way.
 */
export function announceOrchestrator(snapshot: Snapshot, config: Config, memory: WorkingMemory): Action[] {
  // Without an orchestrator there is nothing to be unreachable: the state says "unconfigured".
  if (!config.orchestrator) return [];
  const was = memory.orchestrator;
  memory.orchestrator = snapshot.queue.complete ? 'ok' : 'unreachable';
  if (snapshot.queue.complete)
    return was === 'unreachable'
      ? [
          {
            kind: 'note',
            event: 'orchestrator.restored',
            severity: 'info',
            reason: 'Orchestrator answers again: planning resumes',
          },
        ]
      : [];
  if (was === 'unreachable') return [];
  return [
    {
      kind: 'alert',
      event: 'orchestrator.unreachable',
      severity: 'warning',
      title: 'Orchestrator unreachable',
      reason: `Orchestrator unreachable (${snapshot.queue.problem ?? 'incomplete observation'}): starting nothing new and stopping nothing until it answers`,
    },
  ];
}

/**
 * Unknown is not idle, record by record: while task records from the orchestrator could not be read
 * (one might be a busy task), nothing is stopped or closed; why, in words, or undefined.
 */
export function stopsHeld(snapshot: Snapshot): string | undefined {
  const skipped = snapshot.queue.skipped?.tasks ?? 0;
  if (skipped === 0) return undefined;
  return `${plural(skipped, 'task record')} from the orchestrator could not be read, and one might be a busy task`;
}
