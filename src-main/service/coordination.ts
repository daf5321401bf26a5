import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { NewEvent } from '../core/events.js';
import { memoryOfHost } from '../core/fleet-scope.js';
import { memoryFromJson, memoryToJson, type PlanMemory } from '../core/memory.js';
import { isCloudHost } from '../core/power-driver.js';
import type { ManagerState } from '../core/state.js';
import { Coordinator } from '../coordination/coordinator.js';
import type { BeatInput } from '../coordination/lease-board.js';
import { PostgresLeaseBoard } from '../coordination/postgres-lease-board.js';
import { PostgresPlanMemory } from '../coordination/postgres-plan-memory.js';
import type { HistoryScope } from '../history/tick-changes.js';
import type { SecretStore } from '../secrets/secret-store.js';

interface CoordinationParts {
  config: () => Config;
  secrets: SecretStore;
  /** The reconciler's last state (undefined before the first tick). */
  state: () => ManagerState | undefined;
  emit: (event: NewEvent) => void;
  /** Hosts just taken over (their memory taken up): tick now rather than at the next poll. */
  tickNow: () => void;
  /** What another holder learned of hosts taken over: planned with from now. */
  takeUp: (memory: PlanMemory) => void;
  report: (problem: string) => void;
}

export interface Coordination {
  coordinator: Coordinator;
  /** The shared database, for the history kept there (the password in memory only). */
  postgres: { url: string; password: string };
  /** What of the fleet this instance writes into the shared history now. */
  historyScope(): HistoryScope;
  /** Saves what plan learned of each held host, for whoever holds it next. */
  saveMemory(memory: PlanMemory, config: Config): Promise<void>;
  /** Takes up what was learned of these hosts (at start: of every host held). */
  takeUpMemory(hostIds: readonly string[]): Promise<void>;
  stop(): Promise<void>;
}

/**
 * The coordinator of an instance that shares its fleet through PostgreSQL (config `coordination`),
 * its first heartbeat done; undefined for a single instance. A password missing from the keychain
 * stops the start: running without the leases would act on hosts other instances hold.
 */
export async function startCoordination(parts: CoordinationParts): Promise<Coordination | undefined> {
  const settings = parts.config().coordination;
  if (!settings) return undefined;
  const password = await parts.secrets.get(settings.postgres.password);
  if (password === undefined)
    throw new Error(
      `coordination: the PostgreSQL password is not in the keychain (${settings.postgres.password}); store it there first (docs/scale-out.md, "Set-up")`,
    );
  const ttlMs = settings.leaseSeconds * 1000;
  // A new name at every start: the leases of a killed process run out, they are never inherited.
  const instanceId = `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`;
  const board = new PostgresLeaseBoard({ url: settings.postgres.url, password, instanceId, ttlMs });
  const shared = new PostgresPlanMemory({ url: settings.postgres.url, password, instanceId });
  const takeUpMemory = async (hostIds: readonly string[]) => {
    const saved = await shared.load(hostIds).catch((error: unknown) => {
      parts.report(
        `what other instances learned of ${hostIds.join(', ')} could not be read: ${String(error)}`,
      );
      return new Map<string, unknown>();
    });
    for (const [hostId, value] of saved) {
      const read = memoryFromJson(value);
      if ('memory' in read) parts.takeUp(read.memory);
      else parts.report(`what was learned of ${hostId} is not used: ${read.problem}`);
    }
  };
  const coordinator: Coordinator = new Coordinator({
    board,
    beatEveryMs: Math.floor(ttlMs / 3),
    cap: () => parts.config().policy.maxHostsOn,
    input: () => beatInput(parts.config(), parts.state(), coordinator.hosts()),
    onConnection: (connected, error) =>
      parts.emit(
        connected
          ? { kind: 'coordination.restored', severity: 'info', message: 'The shared database answers again' }
          : {
              kind: 'coordination.unreachable',
              severity: 'warning',
              message: `The shared database cannot be reached (${error?.message ?? 'unknown'}): this instance acts on no host until it can renew its leases`,
              ...(error ? { data: { kind: error.kind } } : {}),
            },
      ),
    onUnreadable: (instanceId, skipped) =>
      parts.report(
        `${skipped} record(s) of the hosts instance ${instanceId} shares could not be read and are not shown (another version of Session Manager?)`,
      ),
    onGained: (hostIds) => void takeUpMemory(hostIds).then(() => parts.tickNow()),
  });
  await coordinator.start();
  return {
    coordinator,
    postgres: { url: settings.postgres.url, password },
    historyScope: () => ({ hosts: coordinator.hosts(), tasks: coordinator.writesTasks() }),
    takeUpMemory,
    saveMemory: async (memory, config) => {
      const held = coordinator.hosts();
      const byHost = new Map(
        [...held].map((hostId) => [hostId, memoryToJson(memoryOfHost(memory, config, hostId))]),
      );
      await shared
        .save(byHost)
        .catch((error: unknown) =>
          parts.report(
            `what was learned of the held hosts could not be saved for other instances: ${String(error)}`,
          ),
        );
    },
    stop: async () => {
      await coordinator.stop();
      await shared.close();
    },
  };
}

/** What this instance tells the board, from its last state: its sessions, held hosts idle or on. */
export function beatInput(
  config: Config,
  state: ManagerState | undefined,
  held: ReadonlySet<string>,
): BeatInput {
  const hosts = new Map((state?.hosts ?? []).map((host) => [host.id, host]));
  const runners = new Map((state?.runners ?? []).map((runner) => [runner.id, runner]));
  const sessionsOn = new Set((state?.sessions ?? []).map((session) => session.hostId));
  const wanted = (hostId: string) =>
    (hosts.get(hostId)?.runners ?? []).some((id) => {
      const runner = runners.get(id);
      return runner !== undefined && runner.queued + runner.running > 0;
    });
  const idle = [...held].filter(
    (hostId) => hosts.get(hostId)?.power === 'off' && !sessionsOn.has(hostId) && !wanted(hostId),
  );
  // A cloud host not seen off counts as on (unknown might be on), as the budget cap counts it; an
  // rdp host is always on and never counts.
  const cloud = new Set(config.hosts.filter((host) => isCloudHost(host)).map((host) => host.id));
  const on = [...held].filter((hostId) => cloud.has(hostId) && hosts.get(hostId)?.power !== 'off');
  return {
    hostIds: config.hosts.map((host) => host.id),
    idleHostIds: new Set(idle),
    // The state shows the whole fleet: this instance's sessions are those of the hosts it holds.
    sessions: (state?.sessions ?? []).filter((session) => held.has(session.hostId)).length,
    onHostIds: new Set(on),
    ...(state ? { observedAt: state.at } : {}),
  };
}
