import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PostgresLeaseBoard } from '../../../src-main/coordination/postgres-lease-board.js';
import { PostgresPlanMemory } from '../../../src-main/coordination/postgres-plan-memory.js';
import { memoryOfHost, takeUp } from '../../../src-main/core/fleet-scope.js';
import { emptyMemory, memoryFromJson, memoryToJson, type PlanMemory } from '../../../src-main/core/memory.js';
import { eventually } from '../../helpers/eventually.js';
import { startPostgres, type Postgres } from '../../helpers/postgres.js';
import { host, makeConfig, runner } from '../../unit/core/world.js';

/** What one holder learned of a host, taken up by the instance that takes it over. */
let pg: Postgres;
beforeAll(async () => {
  pg = await startPostgres();
});
afterAll(async () => {
  await pg?.destroy();
});

const config = makeConfig({
  hosts: [host('h1'), host('h2')],
  runners: [runner('r1', 'h1'), runner('r2', 'h2')],
});

describe('plan memory shared through PostgreSQL', { timeout: 30_000 }, () => {
  it("the next holder plans with the boot lead, back-off and failed mark its predecessor learned; a non-holder's write is ignored", async () => {
    const open = (id: string) => ({
      board: new PostgresLeaseBoard({ url: pg.url, password: pg.password, instanceId: id, ttlMs: 1_000 }),
      memory: new PostgresPlanMemory({ url: pg.url, password: pg.password, instanceId: id }),
    });
    const a = open('first');
    const b = open('second');
    const beat = (x: PostgresLeaseBoard) =>
      x.beat({ hostIds: ['h1'], idleHostIds: new Set(), sessions: 0, onHostIds: new Set() });
    expect((await beat(a.board)).hosts).toEqual(new Set(['h1']));
    const learned: PlanMemory = {
      ...emptyMemory(),
      hosts: new Map([
        [
          'h1',
          {
            attempts: 2,
            drainCount: 3,
            bootLeadMs: 95_000,
            retryAt: 1_000,
            failed: { at: 5, reason: 'no capacity' },
          },
        ],
        ['h2', { attempts: 0, drainCount: 0, bootLeadMs: 1 }],
      ]),
      runners: new Map([['r1', { lastBusyAt: 42 }]]),
      arrivals: new Map([['r1', [100, 200]]]),
    };
    const ofH1 = memoryOfHost(learned, config, 'h1');
    expect([...ofH1.hosts.keys()]).toEqual(['h1']);
    await a.memory.save(new Map([['h1', memoryToJson(ofH1)]]));
    // b does not hold h1: its write is not kept.
    await b.memory.save(
      new Map([['h1', memoryToJson({ ...ofH1, hosts: new Map([['h1', { attempts: 9, drainCount: 0 }]]) })]]),
    );

    // a dies; b takes h1 over and takes up what a learned.
    await eventually(async () => (await beat(b.board)).hosts.has('h1'), 'b holding h1');
    const saved = await b.memory.load(['h1']);
    const read = memoryFromJson(saved.get('h1'));
    if (!('memory' in read)) throw new Error(read.problem);
    const mine = takeUp(emptyMemory(), read.memory);
    expect(mine.hosts.get('h1')).toMatchObject({
      attempts: 2,
      bootLeadMs: 95_000,
      retryAt: 1_000,
      failed: { reason: 'no capacity' },
      drainCount: 0, // the drain starts over: nothing was observed here meanwhile
    });
    expect(mine.runners.get('r1')).toEqual({ lastBusyAt: 42 });
    expect(mine.arrivals.get('r1')).toEqual([100, 200]);
    for (const x of [a, b]) {
      await x.board.close();
      await x.memory.close();
    }
  });
});
