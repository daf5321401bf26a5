import { configSchema, type Config, type ConfigInput } from '../../../src-main/config/schema.js';
import type { ObservedTask, QueueObservation } from '../../../src-main/core/orchestrator.js';
import type { HostPower, PowerState } from '../../../src-main/core/power-driver.js';
import type { SessionStatus } from '../../../src-main/core/session-driver.js';
import type { ActionOutcome, Snapshot } from '../../../src-main/core/snapshot.js';
import { emptyMemory, type PlanMemory } from '../../../src-main/core/memory.js';
import { plan, type PlanResult } from '../../../src-main/core/plan/plan.js';
import type { ManagerState } from '../../../src-main/core/state.js';
import { viewOf } from '../../../src-main/core/view.js';

/** Builders for plan tests: a small config and snapshots described in a line or two. */

export const T0 = Date.UTC(2026, 0, 5, 12, 0, 0); // a Monday, noon UTC
export const MIN = 60_000;

type HostInput = NonNullable<ConfigInput['hosts']>[number];
type RunnerInput = NonNullable<ConfigInput['runners']>[number];

export function host(id: string, extra: Partial<HostInput> = {}): HostInput {
  return {
    id,
    address: `${id}.example.com`,
    protocol: 'aws-ec2',
    user: 'bot',
    password: `host-password:${id}`,
    aws: { instanceId: 'i-0123456789abcdef0', region: 'eu-west-1' },
    ...extra,
  } as HostInput;
}

export function runner(id: string, hostId: string, extra: Partial<RunnerInput> = {}): RunnerInput {
  return { id, host: hostId, ...extra };
}

export function makeConfig(input: {
  hosts: HostInput[];
  runners: RunnerInput[];
  policy?: ConfigInput['policy'];
}): Config {
  return configSchema.parse({
    version: 1,
    orchestrator: { server: 'https://example.botcity.dev', login: 'ws', key: 'orchestrator-key:main' },
    hosts: input.hosts,
    runners: input.runners,
    policy: input.policy ?? {},
  });
}

let taskSeq = 0;
export function task(partial: Partial<ObservedTask> & { runnerId?: string }): ObservedTask {
  const state = partial.state ?? 'queued';
  return {
    id: `t${++taskSeq}`,
    createdAt: T0 - MIN,
    priority: 5,
    ...partial,
    state,
    status: partial.status ?? (state === 'queued' ? 'START' : 'RUNNING'),
  };
}

export function queue(tasks: ObservedTask[], extra: Partial<QueueObservation> = {}): QueueObservation {
  return { complete: true, tasks, runnersOnline: {}, upcoming: [], requests: 1, ...extra };
}

export function power(entries: Record<string, PowerState | [PowerState, boolean]>): Map<string, HostPower> {
  const map = new Map<string, HostPower>();
  for (const [hostId, value] of Object.entries(entries)) {
    const [state, managed] = Array.isArray(value) ? value : [value, true];
    map.set(hostId, { hostId, state, managed });
  }
  return map;
}

export function openSession(hostId: string, user = 'bot', at = T0 - 10 * MIN): SessionStatus {
  return {
    key: `${hostId}/${user}`,
    hostId,
    user,
    state: 'open',
    since: at,
    connectedAt: at,
    reconnects: 0,
    width: 1920,
    height: 1080,
  };
}

export function snapshot(partial: Partial<Snapshot> & { now?: number }): Snapshot {
  return {
    now: partial.now ?? T0,
    queue: partial.queue ?? queue([]),
    power: partial.power ?? new Map(),
    sessions: partial.sessions ?? [],
    readiness: partial.readiness ?? new Map(),
    outcomes: partial.outcomes ?? [],
    problems: partial.problems ?? [],
    ...(partial.secretVersions ? { secretVersions: partial.secretVersions } : {}),
    ...(partial.spend ? { spend: partial.spend } : {}),
  };
}

/** RDP answers on every listed host. */
export function answering(...hostIds: string[]): Map<string, boolean> {
  return new Map(hostIds.map((id) => [id, true]));
}

/** plan, and the state view built from its result, as the reconciler publishes it each tick. */
export function planWithView(
  snap: Snapshot,
  config: Config,
  memory: PlanMemory,
  now: number,
): PlanResult & { view: ManagerState } {
  const result = plan(snap, config, memory, now);
  return { ...result, view: viewOf(snap, config, result, now) };
}

/** Runs plan tick after tick, carrying memory and outcomes, like the reconciler does. */
export class Scenario {
  memory = emptyMemory();
  now = T0;
  private outcomes: ActionOutcome[] = [];

  constructor(public config: Config) {}

  tick(partial: Partial<Snapshot> = {}, advanceMs = 15_000): PlanResult & { view: ManagerState } {
    const result = planWithView(
      snapshot({ ...partial, now: this.now, outcomes: partial.outcomes ?? this.outcomes }),
      this.config,
      this.memory,
      this.now,
    );
    this.memory = result.memory;
    // Every driver call succeeds unless the test says otherwise.
    this.outcomes = result.actions
      .filter(
        (action) =>
          action.kind === 'powerOn' ||
          action.kind === 'powerOff' ||
          action.kind === 'openSession' ||
          action.kind === 'closeSession',
      )
      .map((action) => ({ action, ok: true as const, at: this.now }));
    this.now += advanceMs;
    return result;
  }

  /** Replace the outcomes the next tick sees. */
  setOutcomes(outcomes: ActionOutcome[]): void {
    this.outcomes = outcomes;
  }
}

export function kinds(result: PlanResult): string[] {
  return result.actions.map(
    (action) => `${action.kind}${'hostId' in action && action.hostId ? ` ${action.hostId}` : ''}`,
  );
}
