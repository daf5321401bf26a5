import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBudget,
  compareCandidates,
  type StartCandidate,
} from '../../../src-main/core/policies/budget.js';

const candidateArb = fc.record({
  hostId: fc.string({ minLength: 1, maxLength: 4 }),
  class: fc.constantFrom('queued', 'scheduled', 'keep-warm'),
  priority: fc.integer({ min: -1, max: 10 }),
  // Around now, plus edges (before 1970, far future, none).
  oldest: fc.option(
    fc.oneof(fc.integer({ min: 1_700_000_000_000, max: 1_700_000_100_000 }), fc.constantFrom(-5, 2 ** 50)),
    { nil: undefined },
  ),
  why: fc.constant('work'),
}) as fc.Arbitrary<StartCandidate>;

describe('applyBudget', () => {
  it('starts the most urgent up to the cap, in compareCandidates order, and holds the rest (2,000 generated sets)', () => {
    fc.assert(
      fc.property(
        fc.array(candidateArb, { maxLength: 40 }),
        fc.nat(10),
        fc.nat(30),
        (candidates, on, max) => {
          const slots = Math.max(0, max - on);
          const { start, held } = applyBudget(candidates, on, max);
          expect(start).toHaveLength(Math.min(slots, candidates.length));
          // Nothing is lost or made up, and no held candidate is more urgent than a started one.
          expect([...start, ...held].sort(compareCandidates)).toEqual(
            candidates.slice().sort(compareCandidates),
          );
          for (const started of start)
            for (const waiting of held) expect(compareCandidates(started, waiting)).toBeLessThanOrEqual(0);
          // Both lists come most urgent first.
          for (const list of [start, held])
            for (let i = 1; i < list.length; i++)
              expect(compareCandidates(list[i - 1]!, list[i]!)).toBeLessThanOrEqual(0);
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
