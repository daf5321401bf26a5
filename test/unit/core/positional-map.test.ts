import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PositionalMap } from '../../../src-main/core/positional-map.js';

describe('PositionalMap', () => {
  it('reads like a Map of its defined positions (1,000 generated maps)', () => {
    fc.assert(
      fc.property(
        fc.uniqueArray(fc.string({ minLength: 1, maxLength: 6 }), { maxLength: 30 }),
        fc.array(fc.option(fc.integer(), { nil: undefined }), { maxLength: 30 }),
        fc.string({ maxLength: 6 }),
        (ids, raw, probe) => {
          const values = ids.map((_, position) => raw[position]);
          const positionOf = new Map(ids.map((id, position) => [id, position]));
          const map = new PositionalMap(ids, positionOf, values);
          const expected = new Map<string, number>();
          ids.forEach((id, position) => {
            if (values[position] !== undefined) expected.set(id, values[position]);
          });
          expect(map.size).toBe(expected.size);
          expect([...map]).toEqual([...expected]);
          expect([...map.keys()]).toEqual([...expected.keys()]);
          expect([...map.values()]).toEqual([...expected.values()]);
          expect(Object.fromEntries(map)).toEqual(Object.fromEntries(expected));
          for (const id of [...ids, probe]) {
            expect(map.get(id)).toBe(expected.get(id));
            expect(map.has(id)).toBe(expected.has(id));
          }
          const seen: [string, number][] = [];
          map.forEach((value, key, self) => {
            expect(self).toBe(map);
            seen.push([key, value]);
          });
          expect(seen).toEqual([...expected]);
        },
      ),
      { numRuns: 1_000 },
    );
  });

  it('hands its positions only to a reader with the same index', () => {
    const positionOf = new Map([['a', 0]]);
    const map = new PositionalMap(['a'], positionOf, [1]);
    expect(PositionalMap.positionsOf(map, positionOf)).toEqual([1]);
    expect(PositionalMap.positionsOf(map, new Map([['a', 0]]))).toBeUndefined();
    expect(PositionalMap.positionsOf(new Map([['a', 1]]), positionOf)).toBeUndefined();
  });
});
