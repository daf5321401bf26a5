import type { Config } from '../config/schema.js';
import { percentile } from '../sim/stats.js';
import type { Trace, TraceTask } from '../sim/trace.js';
import type { HistoryRecords } from './history-store.js';
import { powerChanges } from './power-changes.js';

/** When the history has no start or stop to learn from. */
const DEFAULT_BOOT_MS = 120_000;
const DEFAULT_STOP_MS = 60_000;
/** Logging a session on after the host answers, when the history does not tell (RDP runners). */
const RDP_SESSION_OPEN_MS = 10_000;

/** A period of history as the simulator replays it, with the timings learned from it. */
export interface Replay {
  trace: Trace;
  tickMs: number;
  stopMs: number;
  sessionOpenMs: number;
  /** Recorded tasks that could not be replayed (no runner or automation of a cloud host now). */
  skippedTasks: number;
}

/** The history or the config gives the simulator nothing to replay. */
export class NothingToReplayError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NothingToReplayError';
  }
}

const median = (values: readonly number[]) => (values.length ? percentile(values, 50) : undefined);

/** Each host's boot lead: from a power-on to the host answering (its next `ready` note), median. */
function bootLeads(records: HistoryRecords): Map<string, number> {
  const listOf = (lists: Map<string, number[]>, hostId: string) => {
    let list = lists.get(hostId);
    if (!list) lists.set(hostId, (list = []));
    return list;
  };
  const readyByHost = new Map<string, number[]>();
  for (const note of records.notes) if (note.kind === 'ready') listOf(readyByHost, note.hostId).push(note.at);
  const samples = new Map<string, number[]>();
  for (const change of powerChanges(records.power)) {
    if (change.kind !== 'start') continue;
    // Notes come in time order: the first at or after the start is this boot's.
    const ready = readyByHost.get(change.hostId)?.find((at) => at >= change.at);
    if (ready !== undefined) listOf(samples, change.hostId).push(ready - change.at);
  }
  return new Map([...samples].map(([hostId, leads]) => [hostId, median(leads)!]));
}

/** How long a stop takes: the median `stopping` interval; 0 when stops were seen but never that state. */
function stopTime(records: HistoryRecords): number {
  const stopping = records.power
    .filter((interval) => interval.state === 'stopping' && interval.endedAt !== null)
    .map((interval) => interval.endedAt! - interval.startedAt);
  const learned = median(stopping);
  if (learned !== undefined) return learned;
  for (const change of powerChanges(records.power)) if (change.kind === 'stop') return 0;
  return DEFAULT_STOP_MS;
}

/**
 * Pure: the tasks that ran in [from, to) as a simulator trace over today's cloud hosts and their
 * runners, with each host's boot lead and the stop time learned from the history. A task keeps its
 * arrival and the time it ran; one of a runner or automation no longer attached to a cloud host is
 * skipped and counted.
 */
export function replayOf(
  records: HistoryRecords,
  config: Config,
  period: { from: number; to: number },
): Replay {
  const cloudHosts = config.hosts.filter((host) => host.protocol !== 'rdp');
  if (cloudHosts.length === 0)
    throw new NothingToReplayError('there are no cloud hosts to replay (RDP-only hosts are always on)');
  const hostIds = new Set(cloudHosts.map((host) => host.id));
  const runners = config.runners.filter((runner) => hostIds.has(runner.host));
  if (runners.length === 0) throw new NothingToReplayError('no runner is attached to a cloud host');
  const runnerIds = new Set(runners.map((runner) => runner.id));
  const activities = new Set(runners.flatMap((runner) => runner.activities));

  const leads = bootLeads(records);
  const fallbackLead = median([...leads.values()]) ?? DEFAULT_BOOT_MS;
  const tasks: TraceTask[] = [];
  let skippedTasks = 0;
  for (const task of records.tasks) {
    if (task.startedAt === null || task.createdAt < period.from || task.createdAt >= period.to) continue;
    const placed =
      task.runnerId && runnerIds.has(task.runnerId)
        ? { runner: task.runnerId }
        : task.activity && activities.has(task.activity)
          ? { activity: task.activity }
          : undefined;
    if (!placed) {
      skippedTasks++;
      continue;
    }
    tasks.push({
      id: task.taskId,
      ...placed,
      arriveAt: task.createdAt - period.from,
      durationMs: Math.max(1_000, (task.finishedAt ?? period.to) - task.startedAt),
      priority: 5,
    });
  }
  const allConsole = runners.every((runner) => runner.sessionMode === 'console');
  return {
    trace: {
      name: 'history',
      description: `recorded tasks from ${new Date(period.from).toISOString()} to ${new Date(period.to).toISOString()}`,
      seed: 0,
      start: period.from,
      durationMs: period.to - period.from,
      hosts: cloudHosts.map((host) => ({
        id: host.id,
        bootMs: Math.max(1, leads.get(host.id) ?? fallbackLead),
      })),
      runners: runners.map((runner) => ({ id: runner.id, host: runner.host, activities: runner.activities })),
      tasks,
      schedules: [],
    },
    tickMs: (config.orchestrator?.pollSeconds ?? 15) * 1000,
    stopMs: stopTime(records),
    sessionOpenMs: allConsole ? 0 : RDP_SESSION_OPEN_MS,
    skippedTasks,
  };
}
