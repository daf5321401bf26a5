import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { planContext } from '../../../src-main/core/plan-context.js';
import { host, makeConfig, runner } from './world.js';

describe('planContext', () => {
  it("keeps each host's and each session's runners side by side, as their ranges say (500 generated configs)", () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }),
        // Each runner: the host it belongs to (by index) and a suffix that scatters ids across hosts.
        // and its session: the host's user, a user of its own, or the console.
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
          for (const entry of context.entries) {
            const range = Array.from(
              { length: entry.runnersTo - entry.runnersFrom },
              (_, i) => entry.runnersFrom + i,
            );
            expect(range).toEqual(entry.runnerIndexes);
            for (const position of range) expect(context.runners[position]!.host).toBe(entry.host.id);
          }
          for (const group of context.groupByKey.values()) {
            const range = Array.from(
              { length: group.runnersTo - group.runnersFrom },
              (_, i) => group.runnersFrom + i,
            );
            expect(range).toEqual(group.runnerIndexes);
          }
          expect(context.runners.map((r) => r.id).sort()).toEqual([...seen].sort());
        },
      ),
      { numRuns: 500 },
    );
  });
});
