import type pg from 'pg';
import { CoordinationDatabase, postgresPool } from './postgres-pool.js';
import { preferenceOrder, targetShares } from './fair-share.js';
import { type BeatInput, type FleetLeases, type Holding, type LeaseBoard } from './lease-board.js';

export interface PostgresLeaseBoardOptions {
  /** `postgres://user@host:port/db`; the password comes apart, from the secret store. */
  url: string;
  password?: string;
  instanceId: string;
  /** How long a lease and a heartbeat last without renewal (the database's clock). */
  ttlMs: number;
  /** Monotonic clock for `validUntil`; default performance.now. */
  monotonic?: () => number;
  /** A statement or connection that takes longer fails (then no lease is renewed). */
  timeoutMs?: number;
}

/** Leases as rows with an expiry: `host_id` is the key, so one holder per host is the database's rule. */
const SCHEMA = `
create table if not exists sm_instances (
  id text primary key,
  heartbeat_at timestamptz not null,
  sessions integer not null default 0
);
alter table sm_instances add column if not exists busy_hosts integer not null default 0;
create table if not exists sm_leases (
  host_id text primary key,
  holder text not null,
  expires_at timestamptz not null,
  epoch bigint not null default 1,
  host_on boolean not null default false
);
create table if not exists sm_views (
  instance_id text primary key,
  view jsonb not null,
  shared_at timestamptz not null
);`;

/**
 * The lease board on PostgreSQL: every time is the database's (`now()`), so the instances' clocks may
 * differ; a lease is claimed by one conditional upsert (free or expired only), which the row lock
 * makes exclusive however many instances try at once. Why rows and not advisory locks, and the
 * failure modes: docs/scale-out.md.
 */
export class PostgresLeaseBoard implements LeaseBoard {
  readonly instanceId: string;
  private readonly db: CoordinationDatabase;
  private readonly ttlMs: number;
  private readonly monotonic: () => number;

  constructor(options: PostgresLeaseBoardOptions) {
    this.instanceId = options.instanceId;
    this.ttlMs = options.ttlMs;
    this.monotonic = options.monotonic ?? (() => performance.now());
    const pool = postgresPool({
      url: options.url,
      ...(options.password !== undefined ? { password: options.password } : {}),
      timeoutMs: options.timeoutMs ?? Math.max(1_000, Math.floor(options.ttlMs / 4)),
      max: 2,
    });
    this.db = new CoordinationDatabase(pool, SCHEMA);
  }

  async beat(input: BeatInput): Promise<Holding> {
    const sentAt = this.monotonic();
    const held = await this.transaction(async (client) => {
      const me = this.instanceId;
      const ttl = this.ttlMs;
      // Hosts no longer configured are let go; the rest of ours renewed.
      await client.query(`delete from sm_leases where holder = $1 and not (host_id = any($2))`, [
        me,
        input.hostIds,
      ]);
      // Renewed with what this instance sees on, in one statement (one lock order, no deadlock).
      const renewed = await client.query<{ host_id: string }>(
        `update sm_leases set expires_at = now() + $2 * interval '1 millisecond', host_on = (host_id = any($3))
         where holder = $1 and expires_at > now() returning host_id`,
        [me, ttl, [...input.onHostIds]],
      );
      const mine = new Set(renewed.rows.map((row) => row.host_id));
      const busy = [...mine].filter((hostId) => !input.idleHostIds.has(hostId)).length;
      await client.query(
        `insert into sm_instances (id, heartbeat_at, sessions, busy_hosts) values ($1, now(), $2, $3)
         on conflict (id) do update set heartbeat_at = now(), sessions = excluded.sessions,
           busy_hosts = excluded.busy_hosts`,
        [me, input.sessions, busy],
      );
      // Every start is a new instance: the rows of those long gone are dropped, not kept forever.
      await client.query(`delete from sm_instances where heartbeat_at < now() - interval '1 day'`);
      const live = await client.query<{ id: string; sessions: number; busy_hosts: number }>(
        `select id, sessions, busy_hosts from sm_instances where heartbeat_at > now() - $1 * interval '1 millisecond'`,
        [ttl],
      );
      const instances = Math.max(1, live.rows.length);
      // Balanced by sessions: idle hosts go to the instances carrying the fewest (fair-share.ts).
      const shares = targetShares(
        live.rows.map((row) => ({ id: row.id, sessions: row.sessions, busyHosts: row.busy_hosts })),
        input.hostIds.length,
      );
      const share = shares.get(me) ?? input.hostIds.length;
      if (mine.size < share) await this.claim(client, input.hostIds, mine, share);
      else if (mine.size > share) await this.letGo(client, input.idleHostIds, mine, share);
      const others = await client.query<{ n: number }>(
        `select count(*)::int as n from sm_leases where host_on and holder <> $1`,
        [me],
      );
      return { hosts: mine, instances, othersOn: others.rows[0]?.n ?? 0 };
    });
    return { ...held, validUntil: sentAt + this.ttlMs - this.marginMs() };
  }

  async fleet(): Promise<FleetLeases> {
    return this.transaction(async (client) => {
      const leases = await client.query<{
        host_id: string;
        holder: string;
        expires_at: Date;
        epoch: string;
        host_on: boolean;
      }>(
        `select host_id, holder, expires_at, epoch, host_on from sm_leases where expires_at > now() order by host_id`,
      );
      const instances = await client.query<{ id: string; heartbeat_at: Date; sessions: number }>(
        `select id, heartbeat_at, sessions from sm_instances
         where heartbeat_at > now() - $1 * interval '1 millisecond' order by id`,
        [this.ttlMs],
      );
      return {
        leases: leases.rows.map((row) => ({
          hostId: row.host_id,
          holder: row.holder,
          expiresAt: row.expires_at.getTime(),
          epoch: Number(row.epoch),
          on: row.host_on,
        })),
        instances: instances.rows.map((row) => ({
          id: row.id,
          heartbeatAt: row.heartbeat_at.getTime(),
          sessions: row.sessions,
        })),
      };
    });
  }

  async share(part: object): Promise<Array<{ instanceId: string; part: unknown }>> {
    return this.transaction(async (client) => {
      await client.query(
        `insert into sm_views (instance_id, view, shared_at) values ($1, $2::jsonb, now())
         on conflict (instance_id) do update set view = excluded.view, shared_at = excluded.shared_at`,
        [this.instanceId, JSON.stringify(part)],
      );
      // Views of instances gone are dropped here, by whoever shares next.
      await client.query(
        `delete from sm_views v where not exists (select 1 from sm_instances i where i.id = v.instance_id
           and i.heartbeat_at > now() - $1 * interval '1 millisecond')`,
        [this.ttlMs],
      );
      const others = await client.query<{ instance_id: string; view: unknown }>(
        `select instance_id, view from sm_views where instance_id <> $1 order by instance_id`,
        [this.instanceId],
      );
      return others.rows.map((row) => ({ instanceId: row.instance_id, part: row.view }));
    });
  }

  async reserveStart(hostId: string, cap: number): Promise<boolean> {
    return this.transaction(async (client) => {
      // One reservation at a time fleet-wide; heartbeats only renew, so they do not wait long.
      await client.query('lock table sm_leases in share row exclusive mode');
      const on = await client.query<{ n: number }>(
        `select count(*)::int as n from sm_leases where host_on and host_id <> $1`,
        [hostId],
      );
      if ((on.rows[0]?.n ?? 0) >= cap) return false;
      const reserved = await client.query(
        `update sm_leases set host_on = true where host_id = $1 and holder = $2 and expires_at > now()`,
        [hostId, this.instanceId],
      );
      return reserved.rowCount === 1;
    });
  }

  async release(): Promise<void> {
    await this.transaction(async (client) => {
      await client.query(`delete from sm_leases where holder = $1`, [this.instanceId]);
      await client.query(`delete from sm_instances where id = $1`, [this.instanceId]);
      await client.query(`delete from sm_views where instance_id = $1`, [this.instanceId]);
    });
  }

  async close(): Promise<void> {
    await this.db.close();
  }

  /** Free or expired hosts, in this instance's order, until it holds its share. */
  private async claim(client: pg.PoolClient, hostIds: readonly string[], mine: Set<string>, share: number) {
    const taken = await client.query<{ host_id: string }>(
      `select host_id from sm_leases where expires_at > now() and host_id = any($1)`,
      [hostIds],
    );
    const busy = new Set(taken.rows.map((row) => row.host_id));
    // Which hosts: this instance's preference; in what order: the hosts' own, the same for every
    // instance, so two claiming at once lock rows in one order and never deadlock. A host another
    // instance took meanwhile is left for the next heartbeat.
    const wanted = preferenceOrder(this.instanceId, hostIds)
      .filter((hostId) => !busy.has(hostId) && !mine.has(hostId))
      .slice(0, share - mine.size)
      .sort();
    for (const hostId of wanted) {
      // Exclusive by the row lock: of two instances claiming at once, the second finds it unexpired.
      const claimed = await client.query(
        `insert into sm_leases (host_id, holder, expires_at) values ($1, $2, now() + $3 * interval '1 millisecond')
         on conflict (host_id) do update set holder = excluded.holder, expires_at = excluded.expires_at,
           epoch = sm_leases.epoch + 1
         where sm_leases.expires_at <= now()
         returning host_id`,
        [hostId, this.instanceId, this.ttlMs],
      );
      if (claimed.rowCount === 1) mine.add(hostId);
    }
  }

  /** Over its share: idle hosts are given back (a busy host's sessions never move). */
  private async letGo(client: pg.PoolClient, idle: ReadonlySet<string>, mine: Set<string>, share: number) {
    const surplus = [...mine].filter((hostId) => idle.has(hostId)).slice(0, mine.size - share);
    if (surplus.length === 0) return;
    await client.query(`delete from sm_leases where holder = $1 and host_id = any($2)`, [
      this.instanceId,
      surplus,
    ]);
    for (const hostId of surplus) mine.delete(hostId);
  }

  /** Room for the clocks' rates and a slow reply: a third of the lease. */
  private marginMs(): number {
    return Math.floor(this.ttlMs / 3);
  }

  private transaction<T>(work: (client: pg.PoolClient) => Promise<T>): Promise<T> {
    return this.db.run(work, { transaction: true });
  }
}
