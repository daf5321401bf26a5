import os from 'node:os';
import { randomBytes } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { NewEvent } from '../core/events.js';
import type { ManagerState } from '../core/state.js';
import { Coordinator } from '../coordination/coordinator.js';
import type { BeatInput } from '../coordination/lease-board.js';
import { PostgresLeaseBoard } from '../coordination/postgres-lease-board.js';
import type { SecretStore } from '../secrets/secret-store.js';

interface CoordinationParts {
  config: () => Config;
  secrets: SecretStore;
  /** The reconciler's last state (undefined before the first tick). */
  state: () => ManagerState | undefined;
  emit: (event: NewEvent) => void;
  /** Hosts just taken over: tick now rather than at the next poll. */
  tickNow: () => void;
}

/**
 * The coordinator of an instance that shares its fleet through PostgreSQL (config `coordination`),
 * its first heartbeat done; undefined for a single instance. A password missing from the keychain
 * stops the start: running without the leases would act on hosts other instances hold.
 */
export async function startCoordination(parts: CoordinationParts): Promise<Coordinator | undefined> {
  const settings = parts.config().coordination;
  if (!settings) return undefined;
  const password = await parts.secrets.get(settings.postgres.password);
  if (password === undefined)
    throw new Error(
      `coordination: the PostgreSQL password is not in the keychain (${settings.postgres.password}); store it there first (docs/scale-out.md, "Set-up")`,
    );
  const ttlMs = settings.leaseSeconds * 1000;
  const board = new PostgresLeaseBoard({
    url: settings.postgres.url,
    password,
    // A new name at every start: the leases of a killed process run out, they are never inherited.
    instanceId: `${os.hostname()}-${process.pid}-${randomBytes(3).toString('hex')}`,
    ttlMs,
  });
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
    onGained: () => parts.tickNow(),
  });
  await coordinator.start();
  return coordinator;
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
  // A host not seen off counts as on (unknown might be on), as the budget cap counts it.
  const on = [...held].filter((hostId) => hosts.get(hostId)?.power !== 'off');
  return {
    hostIds: config.hosts.map((host) => host.id),
    idleHostIds: new Set(idle),
    sessions: state?.sessions.length ?? 0,
    onHostIds: new Set(on),
  };
}
