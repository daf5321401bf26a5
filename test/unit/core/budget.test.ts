import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  applyBudget,
  compareCandidates,
  mostUrgent,
  type StartCandidate,
} from '../../../src-main/core/policies/budget.js';

const candidateArb = fc.record({
  hostId: fc.string({ minLength: 1, maxLength: 4 }),
  position: fc.nat(100),
  class: fc.constantFrom('queued', 'scheduled', 'keep-warm'),
  priority: fc.integer({ min: -1, max: 10 }),
  // Around now, plus the edges the sort key folds away (before 1970, past its span, none).
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
          const expected = candidates.slice().sort(compareCandidates);
          const slots = Math.max(0, max - on);
          const { start, held } = applyBudget(candidates, on, max);
          expect(start).toEqual(expected.slice(0, slots));
          // Held ones come in no particular order; candidates that compare equal differ by position.
          const canonical = (list: readonly StartCandidate[]) =>
            list.slice().sort((a, b) => compareCandidates(a, b) || a.position - b.position);
          expect(canonical(held)).toEqual(canonical(expected.slice(slots)));
          expect(mostUrgent(held, 3)).toEqual(expected.slice(slots, slots + 3));
        },
      ),
      { numRuns: 2_000 },
    );
  });
});
