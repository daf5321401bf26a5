import postgresDriver from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CoordinationError, type Holding } from '../../../src-main/coordination/lease-board.js';
import { PostgresLeaseBoard } from '../../../src-main/coordination/postgres-lease-board.js';
import { eventually } from '../../helpers/eventually.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';

/** Leases on a real PostgreSQL (a throw-away cluster): one holder per host, balance, take-over, outage. */
let pg: Postgres;
const boards: PostgresLeaseBoard[] = [];
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await Promise.all(boards.splice(0).map((board) => board.close()));
  await pg?.destroy();
});

const TTL = 1_500;
const HOSTS = Array.from({ length: 9 }, (_, i) => `bot-${String(i + 1).padStart(2, '0')}`);

function board(instanceId: string, password = pg.password): PostgresLeaseBoard {
  const made = new PostgresLeaseBoard({ url: pg.url, password, instanceId, ttlMs: TTL });
  boards.push(made);
  return made;
}

/** Every host held at most once among the holdings. */
function expectDisjoint(holdings: Holding[]): void {
  const all = holdings.flatMap((holding) => [...holding.hosts]);
  expect(new Set(all).size).toBe(all.length);
}

const idleAll = (holding?: Holding) => new Set(holding?.hosts ?? []);

describe('leases on PostgreSQL', { timeout: 60_000 }, () => {
  it('three instances share nine hosts: one holder each, balanced three by three, never two at once', async () => {
    const [a, b, c] = [board('a'), board('b'), board('c')];
    const last = new Map<string, Holding>();
    const round = async () => {
      const held = await Promise.all(
        [a, b, c].map((x) =>
          x.beat({
            hostIds: HOSTS,
            idleHostIds: idleAll(last.get(x.instanceId)),
            sessions: 0,
            onHostIds: new Set(),
          }),
        ),
      );
      held.forEach((holding, i) => last.set(['a', 'b', 'c'][i]!, holding));
      expectDisjoint(held);
      return held;
    };
    const balanced = await eventually(async () => {
      const held = await round();
      return held.every((h) => h.hosts.size === 3) ? held : undefined;
    }, 'three hosts each');
    expect(new Set(balanced.flatMap((h) => [...h.hosts]))).toEqual(new Set(HOSTS));
    // Many more rounds at once: still one holder per host, and the database agrees.
    for (let i = 0; i < 30; i++) await round();
    const fleet = await a.fleet();
    expect(fleet.leases.map((l) => l.hostId)).toEqual(HOSTS);
    expect(fleet.instances.map((i) => i.id)).toEqual(['a', 'b', 'c']);
    for (const lease of fleet.leases) expect(last.get(lease.holder)!.hosts.has(lease.hostId)).toBe(true);
    await Promise.all([a, b, c].map((x) => x.release()));
  });

  it('a busy host is never moved to balance: only idle ones are given back', async () => {
    const [a, b] = [board('busy-a'), board('busy-b')];
    const first = await a.beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 9, onHostIds: new Set() });
    expect(first.hosts.size).toBe(9);
    await b.beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() });
    // All of a's hosts are busy: it keeps them all although b has none.
    expect(
      (await a.beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 9, onHostIds: new Set() })).hosts
        .size,
    ).toBe(9);
    const later = await a.beat({
      hostIds: HOSTS,
      idleHostIds: new Set(['bot-01', 'bot-02']),
      sessions: 7,
      onHostIds: new Set(),
    });
    expect(later.hosts.size).toBe(7);
    expect(
      (await b.beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() })).hosts,
    ).toEqual(new Set(['bot-01', 'bot-02']));
    await Promise.all([a, b].map((x) => x.release()));
  });

  it('balanced by sessions: the idle hosts go to the instance carrying fewer, until both carry as many', async () => {
    const [a, b] = [board('load-a'), board('load-b')];
    const first = await a.beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() });
    // a keeps sessions on four hosts (two each): those stay; of its idle ones, it keeps what evens out.
    const busy = [...first.hosts].slice(0, 4);
    const beatA = (held: Holding) =>
      a.beat({
        hostIds: HOSTS,
        idleHostIds: new Set([...held.hosts].filter((id) => !busy.includes(id))),
        sessions: 8,
        onHostIds: new Set(busy),
      });
    let heldA = await beatA(first);
    let heldB: Holding | undefined;
    await eventually(async () => {
      heldB = await b.beat({
        hostIds: HOSTS,
        idleHostIds: idleAll(heldB),
        sessions: 0,
        onHostIds: new Set(),
      });
      heldA = await beatA(heldA);
      expectDisjoint([heldA, heldB]);
      return heldA.hosts.size === 4 && heldB.hosts.size === 5;
    }, 'a keeping its four busy hosts, b holding the five idle ones');
    for (const id of busy) expect(heldA.hosts.has(id)).toBe(true);
    await Promise.all([a, b].map((x) => x.release()));
  });

  it('an instance that stops beating: its hosts are taken over only after it has stopped acting on them', async () => {
    const [a, b] = [board('dead-a'), board('live-b')];
    const hosts = ['h1', 'h2', 'h3', 'h4'];
    const gone = await a.beat({ hostIds: hosts, idleHostIds: new Set(), sessions: 4, onHostIds: new Set() });
    expect(gone.hosts.size).toBe(4);
    // a is killed (no release). b takes everything once a's leases expire.
    const taken = await eventually(async () => {
      const held = await b.beat({
        hostIds: hosts,
        idleHostIds: new Set(),
        sessions: 0,
        onHostIds: new Set(),
      });
      return held.hosts.size === 4 ? performance.now() : undefined;
    }, 'b holding every host');
    // a's own reckoning of its leases had run out before b held them: never two acting at once.
    expect(gone.validUntil).toBeLessThan(taken);
    await b.release();
  });

  it('PostgreSQL down: heartbeats fail as unreachable and the leases run out; back up, they are held again', async () => {
    const a = board('outage-a');
    const hosts = ['p1', 'p2'];
    const before = await a.beat({
      hostIds: hosts,
      idleHostIds: new Set(),
      sessions: 0,
      onHostIds: new Set(),
    });
    expect(before.hosts.size).toBe(2);
    await pg.stop();
    const failure = await a
      .beat({ hostIds: hosts, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() })
      .catch((e) => e);
    expect(failure).toBeInstanceOf(CoordinationError);
    expect(failure).toMatchObject({ kind: 'unreachable' });
    await eventually(() => performance.now() > before.validUntil, 'the last holding to run out');
    await pg.start();
    const after = await eventually(
      () =>
        a
          .beat({ hostIds: hosts, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() })
          .catch(() => undefined),
      'a heartbeat after the restart',
    );
    expect(after.hosts).toEqual(new Set(hosts));
    await a.release();
  });

  it('the budget cap holds fleet-wide: of starts asked for at once, only as many as places are left', async () => {
    const [a, b] = [board('cap-a'), board('cap-b')];
    const hosts = ['c1', 'c2', 'c3', 'c4', 'c5', 'c6'];
    const beat = (x: PostgresLeaseBoard, on: string[] = []) =>
      x.beat({ hostIds: hosts, idleHostIds: new Set(hosts), sessions: 0, onHostIds: new Set(on) });
    await beat(a);
    await beat(b);
    const [heldA, heldB] = [await beat(a), await beat(b)];
    expect([heldA.hosts.size, heldB.hosts.size]).toEqual([3, 3]);
    // One host already on (b's); a cap of 3: two more places, four instances' starts asked at once.
    const onB = [...heldB.hosts][0]!;
    await beat(b, [onB]);
    const asks = [...[...heldA.hosts].slice(0, 2), ...[...heldB.hosts].filter((h) => h !== onB).slice(0, 2)];
    const granted = await Promise.all(
      asks.map((hostId) => (heldA.hosts.has(hostId) ? a : b).reserveStart(hostId, 3)),
    );
    expect(granted.filter(Boolean)).toHaveLength(2);
    // A lease not held gives no place.
    expect(await a.reserveStart(onB, 10)).toBe(false);
    const fleet = await a.fleet();
    expect(fleet.leases.filter((lease) => lease.on)).toHaveLength(3);
    expect(
      (
        await beat(
          a,
          [...heldA.hosts].filter((h, i) => granted[i]),
        )
      ).othersOn,
    ).toBeGreaterThanOrEqual(1);
    await Promise.all([a, b].map((x) => x.release()));
  });

  it('the rows of instances gone for a day are dropped at the next heartbeat', async () => {
    const x = board('fresh');
    await x.beat({ hostIds: ['h-old'], idleHostIds: new Set(), sessions: 0, onHostIds: new Set() });
    const url = new URL(pg.url);
    url.password = pg.password;
    const client = new postgresDriver.Client({ connectionString: url.toString() });
    await client.connect();
    try {
      await client.query(
        `insert into sm_instances (id, heartbeat_at) values ('gone-long-ago', now() - interval '2 days')`,
      );
      await x.beat({ hostIds: ['h-old'], idleHostIds: new Set(), sessions: 0, onHostIds: new Set() });
      const rows = await client.query<{ id: string }>(`select id from sm_instances order by id`);
      expect(rows.rows.map((row) => row.id)).not.toContain('gone-long-ago');
      expect(rows.rows.map((row) => row.id)).toContain('fresh');
    } finally {
      await client.end();
      await x.release();
    }
  });

  it('a wrong password is refused as such', async () => {
    const wrong = board('intruder', 'not-the-password');
    const failure = await wrong
      .beat({ hostIds: HOSTS, idleHostIds: new Set(), sessions: 0, onHostIds: new Set() })
      .catch((e) => e);
    expect(failure).toMatchObject({ name: 'CoordinationError', kind: 'auth-failed' });
  });
});
