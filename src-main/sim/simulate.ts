import { configSchema, type Config, type ConfigInput } from '../config/schema.js';
import type { Action } from '../core/actions.js';
import { emptyMemory, type PlanMemory } from '../core/memory.js';
import type { ObservedTask } from '../core/orchestrator.js';
import { plan, type PlanResult } from '../core/plan/plan.js';
import type { HostPower, PowerState } from '../core/power-driver.js';
import type { SessionStatus } from '../core/session-driver.js';
import type { ActionOutcome, Snapshot } from '../core/snapshot.js';
import type { ManagerState } from '../core/state.js';
import { viewOf } from '../core/view.js';
import { RunnerQueue } from './runner-queue.js';
import { mean, percentile, type SimResult } from './stats.js';
import { PoolDispatch } from './pool-dispatch.js';
import type { Trace, TraceTask } from './trace.js';

interface SimOptions {
  /** Time between plan calls (the poll interval). Default 15 s. */
  tickMs?: number;
  /** stopping → off. Default 60 s (billed). */
  stopMs?: number;
  /** Session logon time after RDP answers. Default 10 s. */
  sessionOpenMs?: number;
  policy?: ConfigInput['policy'];
  /** Ticks whose orchestrator observation is incomplete (to test "unknown is not idle"). */
  incomplete?: (tickIndex: number) => boolean;
  /** Called after each plan, before its actions are applied (for property tests). */
  onTick?: (tick: SimTick) => void;
}

export interface SimTick {
  index: number;
  now: number;
  snapshot: Snapshot;
  result: PlanResult;
  /** The state view of this tick (built on demand, as the reconciler builds it to publish). */
  view(): ManagerState;
  memoryBefore: PlanMemory;
  config: Config;
  /** Host power states at this tick, as the simulator knows them. */
  power: ReadonlyMap<string, PowerState>;
}

interface SimHost {
  id: string;
  bootMs: number;
  /** Set for a host that hibernates: a start after a stop takes this long. */
  resumeMs?: number;
  /** Its last stop hibernated it. */
  hibernated: boolean;
  state: 'off' | 'starting' | 'on' | 'stopping';
  /** Epoch ms of the last transition. */
  since: number;
  billedMs: number;
  starts: number;
}

interface SimSession {
  key: string;
  hostId: string;
  user: string;
  openAt: number;
  runnerIds: string[];
}

/** The config the simulator plans with: the trace's hosts as EC2 instances, one rdp runner each. */
function traceConfig(trace: Trace, policy: ConfigInput['policy'] = {}): Config {
  return configSchema.parse({
    version: 1,
    orchestrator: { server: 'https://sim.botcity.dev', login: 'sim', key: 'orchestrator-key:sim' },
    policy: { maxHostsOn: trace.hosts.length, ...policy },
    hosts: trace.hosts.map((host) => ({
      id: host.id,
      address: `${host.id}.sim`,
      protocol: 'aws-ec2',
      user: 'bot',
      password: `host-password:${host.id}`,
      aws: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' },
      maxSessions: Math.max(1, trace.runners.filter((runner) => runner.host === host.id).length),
    })),
    runners: trace.runners.map((runner) => ({
      id: runner.id,
      host: runner.host,
      user: `u-${runner.id}`,
      activities: runner.activities ?? [],
    })),
  });
}

/**
 * Replays a trace against `plan`: a simulated cloud (boot and stop delays, per-second billing from
 * start request to stopped), simulated sessions, and runners that take their tasks once their
 * session is open. Reports VM-hours, task waits and interruptions.
 */
export function simulatePolicy(trace: Trace, options: SimOptions = {}): SimResult {
  const tickMs = options.tickMs ?? 15_000;
  const stopMs = options.stopMs ?? 60_000;
  const sessionOpenMs = options.sessionOpenMs ?? 10_000;
  const config = traceConfig(trace, options.policy);
  const end = trace.start + trace.durationMs;

  const hosts = new Map<string, SimHost>(
    trace.hosts.map((host) => [
      host.id,
      {
        id: host.id,
        bootMs: host.bootMs,
        ...(host.resumeMs !== undefined && { resumeMs: host.resumeMs }),
        hibernated: false,
        state: 'off',
        since: trace.start,
        billedMs: 0,
        starts: 0,
      },
    ]),
  );
  const queues = new Map<string, RunnerQueue>();
  for (const runner of trace.runners)
    queues.set(
      runner.id,
      new RunnerQueue(
        trace.tasks
          .filter((task) => task.runner === runner.id)
          .map((task) => ({
            ...task,
            arriveAt: trace.start + task.arriveAt,
            ...(task.notBefore !== undefined ? { notBefore: trace.start + task.notBefore } : {}),
          })),
      ),
    );
  const runnerHost = new Map(trace.runners.map((runner) => [runner.id, runner.host]));
  const pools = new PoolDispatch(absolute(trace), trace.runners);
  const sessions = new Map<string, SimSession>();
  const schedules = trace.schedules
    .map((s) => ({ runner: s.runner, at: trace.start + s.at }))
    .sort((a, b) => a.at - b.at);
  let memory = emptyMemory();
  let outcomes: ActionOutcome[] = [];
  let index = 0;

  // Host state after boot/stop delays have passed at `t`; bills the time it was up.
  const advanceHost = (host: SimHost, t: number) => {
    const startMs = host.hibernated ? host.resumeMs! : host.bootMs;
    if (host.state === 'starting' && t >= host.since + startMs) {
      host.state = 'on';
      host.since += startMs;
    }
    if (host.state === 'stopping' && t >= host.since + stopMs) {
      host.billedMs += stopMs;
      host.state = 'off';
      host.since += stopMs;
    }
  };
  const usableFrom = (runnerId: string): number | undefined => {
    const hostId = runnerHost.get(runnerId)!;
    const host = hosts.get(hostId)!;
    if (host.state !== 'on') return undefined;
    const session = [...sessions.values()].find((s) => s.runnerIds.includes(runnerId));
    return session ? Math.max(session.openAt, host.since) : undefined;
  };

  let upBill = new Map<string, number>(); // host → epoch ms its current billing period began
  for (let now = trace.start; now < end; now += tickMs, index++) {
    for (const host of hosts.values()) advanceHost(host, now);
    // Runners work through the interval that just ended.
    for (const [runnerId, queue] of queues) queue.work(now - tickMs, now, usableFrom(runnerId));
    // Maestro hands an automation's unassigned tasks to its free runners whose desktop is usable.
    pools.dispatch(now, queues, (runnerId) => {
      const from = usableFrom(runnerId);
      return from !== undefined && from <= now && queues.get(runnerId)!.isFreeAt(now);
    });

    const complete = !(options.incomplete?.(index) ?? false);
    const tasks: ObservedTask[] = [];
    const online: Record<string, boolean> = {};
    for (const [runnerId, queue] of queues) {
      online[runnerId] = usableFrom(runnerId) !== undefined && usableFrom(runnerId)! <= now;
      for (const task of queue.queuedAt(now))
        tasks.push({
          id: task.id,
          state: 'queued',
          status: 'START',
          runnerId,
          createdAt: task.arriveAt,
          priority: task.priority,
          ...(task.notBefore !== undefined ? { notBefore: task.notBefore } : {}),
        });
      if (queue.running)
        tasks.push({
          id: queue.running.task.id,
          state: 'busy',
          status: 'RUNNING',
          runnerId,
          createdAt: queue.running.task.arriveAt,
          startedAt: queue.running.startedAt,
          priority: queue.running.task.priority,
        });
    }
    for (const task of pools.queuedAt(now))
      tasks.push({
        id: task.id,
        state: 'queued',
        status: 'START',
        activity: task.activity!,
        createdAt: task.arriveAt,
        priority: task.priority,
        ...(task.notBefore !== undefined ? { notBefore: task.notBefore } : {}),
      });
    const upcoming = [];
    for (const schedule of schedules) {
      if (schedule.at <= now) continue;
      if (schedule.at > now + 24 * 3_600_000) break;
      upcoming.push({ activity: 'scheduled', runnerId: schedule.runner, at: schedule.at });
    }
    const power = new Map<string, HostPower>();
    const readiness = new Map<string, boolean>();
    for (const host of hosts.values()) {
      power.set(host.id, { hostId: host.id, state: host.state, managed: true });
      readiness.set(host.id, host.state === 'on');
    }
    const sessionList: SessionStatus[] = [...sessions.values()].map((s) => ({
      key: s.key,
      hostId: s.hostId,
      user: s.user,
      state: s.openAt <= now ? 'open' : 'connecting',
      since: s.openAt,
      reconnects: 0,
      width: 1920,
      height: 1080,
    }));
    const snapshot: Snapshot = {
      now,
      queue: complete
        ? { complete: true, tasks, runnersOnline: online, upcoming, requests: 1 }
        : {
            complete: false,
            problem: 'simulated outage',
            tasks: [],
            runnersOnline: {},
            upcoming: [],
            requests: 1,
          },
      power,
      sessions: sessionList,
      readiness,
      outcomes,
      problems: [],
    };
    const memoryBefore = memory;
    const result = plan(snapshot, config, memory, now);
    options.onTick?.({
      index,
      now,
      snapshot,
      result,
      view: () => viewOf(snapshot, config, result, now),
      memoryBefore,
      config,
      power: new Map([...hosts].map(([id, h]) => [id, h.state])),
    });
    memory = result.memory;
    outcomes = applyActions(result.actions, now);
  }

  function applyActions(actions: readonly Action[], now: number): ActionOutcome[] {
    const results: ActionOutcome[] = [];
    for (const action of actions) {
      if (action.kind === 'powerOn') {
        const host = hosts.get(action.hostId)!;
        if (host.state === 'off') {
          host.state = 'starting';
          host.since = now;
          host.starts++;
          upBill.set(host.id, now);
        }
        results.push({ action, ok: true, at: now });
      } else if (action.kind === 'powerOff') {
        const host = hosts.get(action.hostId)!;
        if (host.state === 'on') {
          for (const [runnerId, hostId] of runnerHost)
            if (hostId === host.id) queues.get(runnerId)!.interrupt();
          for (const [key, session] of sessions) if (session.hostId === host.id) sessions.delete(key);
          host.billedMs += now - (upBill.get(host.id) ?? now);
          upBill.delete(host.id);
          host.state = 'stopping';
          host.since = now;
          host.hibernated = host.resumeMs !== undefined;
        }
        results.push({ action, ok: true, at: now, ...(host.hibernated && { hibernated: true }) });
      } else if (action.kind === 'openSession') {
        const openAt = now + sessionOpenMs;
        sessions.set(action.spec.key, {
          key: action.spec.key,
          hostId: action.hostId,
          user: action.spec.user,
          openAt,
          runnerIds: action.runnerIds,
        });
        results.push({ action, ok: true, at: openAt });
      } else if (action.kind === 'closeSession') {
        const session = sessions.get(action.key);
        if (session) for (const runnerId of session.runnerIds) queues.get(runnerId)!.interrupt();
        sessions.delete(action.key);
        results.push({ action, ok: true, at: now });
      }
    }
    return results;
  }

  // Close the books at the end of the trace.
  for (const host of hosts.values()) {
    advanceHost(host, end);
    if (upBill.has(host.id)) host.billedMs += end - upBill.get(host.id)!;
    if (host.state === 'stopping') host.billedMs += Math.max(0, end - host.since);
  }
  upBill = new Map();
  return summarize(
    'policy',
    queues,
    new Map([...hosts.values()].map((host) => [host.id, host.billedMs])),
    [...hosts.values()].reduce((sum, host) => sum + host.starts, 0),
    end,
    pools.unstartedWaits(end),
  );
}

/** The trace's pooled tasks with epoch-ms times, as the simulation runs them. */
function absolute(trace: Trace): TraceTask[] {
  return trace.tasks.map((task) => ({
    ...task,
    arriveAt: trace.start + task.arriveAt,
    ...(task.notBefore !== undefined ? { notBefore: trace.start + task.notBefore } : {}),
  }));
}

export function summarize(
  strategy: string,
  queues: ReadonlyMap<string, RunnerQueue>,
  /** Host id → billed ms. */
  billedMs: ReadonlyMap<string, number>,
  starts: number,
  end: number,
  /** Waits of pooled tasks no runner took before the end. */
  neverTaken: readonly number[] = [],
): SimResult {
  const waits: number[] = [...neverTaken];
  let interruptions = 0;
  let done = 0;
  let unstarted = neverTaken.length;
  for (const queue of queues.values()) {
    waits.push(...queue.waits);
    const pending = queue.unstartedWaits(end);
    waits.push(...pending);
    unstarted += pending.length;
    interruptions += queue.interrupted;
    done += queue.done + (queue.running ? 1 : 0);
  }
  return {
    strategy,
    vmHours: [...billedMs.values()].reduce((sum, ms) => sum + ms, 0) / 3_600_000,
    hostHours: Object.fromEntries([...billedMs].map(([hostId, ms]) => [hostId, ms / 3_600_000])),
    meanWaitS: mean(waits) / 1000,
    p95WaitS: percentile(waits, 95) / 1000,
    interruptions,
    tasksDone: done,
    tasksUnstarted: unstarted,
    starts,
  };
}
