import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planContext } from '../../../src-main/core/plan-context.js';
import { host, makeConfig, runner } from './world.js';

describe('planContext', () => {
  it("keeps each host's and each session's runners side by side, as their ranges say (500 generated configs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        // Each runner: the host it belongs to (by index), a suffix that scatters ids across hosts, and
        // its session: the host's user, a user of its own, or the console.
        fc.array(fc.tuple(fc.nat(5), fc.nat(99), fc.constantFrom('host', 'u1', 'u2', 'console')), {
          maxLength: 20,
        }),
        (hostCount, runnerSpecs) => {
          const hosts = Array.from({ length: hostCount }, (_, i) => host(`h${i}`));
          const seen = new Set<string>();
          const runners = runnerSpecs
            .map(([hostIndex, suffix, session]) =>
              runner(
                `r${suffix}`,
                `h${hostIndex % hostCount}`,
                session === 'console'
                  ? { sessionMode: 'console' }
                  : session === 'host'
                    ? {}
                    : { user: session, password: `runner-password:r${suffix}` },
              ),
            )
            .filter((r) => !seen.has(r.id) && seen.add(r.id));
          const context = planContext(makeConfig({ hosts, runners }));
          const positionsWhere = (keep: (r: (typeof context.runners)[number]) => boolean) =>
            context.runners.flatMap((r, position) => (keep(r) ? [position] : []));
          const rangeOf = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => from + i);
          for (const entry of context.entries) {
            const mine = positionsWhere((r) => r.host === entry.host.id);
            expect(rangeOf(entry.runnersFrom, entry.runnersTo)).toEqual(mine);
          }
          for (const group of context.groupByKey.values()) {
            const host = context.hostById.get(group.hostId)!;
            const members = positionsWhere(
              (r) => r.host === host.id && r.sessionMode === 'rdp' && (r.user ?? host.user) === group.user,
            );
            expect(rangeOf(group.runnersFrom, group.runnersTo)).toEqual(members);
            expect(group.runnerIds).toEqual(members.map((position) => context.runners[position]!.id));
          }
          expect(context.runners.map((r) => r.id).sort()).toEqual([...seen].sort());
        },
      ),
      { numRuns: 500 },
    );
  });
});
