/**
 * A read-only Map whose values are stored by position in a list of ids that many maps share (the
 * PlanContext's hosts or runners). `plan` reads and writes its memory by position; keeping the memory
 * in this shape means a tick neither looks thousands of ids up in the previous memory nor builds
 * Maps of thousands of entries for the next one. To everyone else it is an ordinary ReadonlyMap.
 */
export class PositionalMap<V> implements ReadonlyMap<string, V> {
  readonly size: number;

  /**
   * @param ids the keys, in position order (shared, never changed)
   * @param positionOf id → position in `ids` (shared: two maps with the same one share positions)
   * @param byPosition the value at each position, undefined where the id has none (not copied: the
   *   caller gives it up)
   */
  constructor(
    readonly ids: readonly string[],
    readonly positionOf: ReadonlyMap<string, number>,
    readonly byPosition: readonly (V | undefined)[],
  ) {
    let size = 0;
    for (let position = 0; position < byPosition.length; position++)
      if (byPosition[position] !== undefined) size++;
    this.size = size;
  }

  /** The values by position of `map` when it is a PositionalMap over `positionOf`; else undefined. */
  static positionsOf<V>(
    map: ReadonlyMap<string, V>,
    positionOf: ReadonlyMap<string, number>,
  ): readonly (V | undefined)[] | undefined {
    return map instanceof PositionalMap && map.positionOf === positionOf
      ? (map.byPosition as readonly (V | undefined)[])
      : undefined;
  }

  get(id: string): V | undefined {
    const position = this.positionOf.get(id);
    return position === undefined ? undefined : this.byPosition[position];
  }

  has(id: string): boolean {
    return this.get(id) !== undefined;
  }

  *entries(): MapIterator<[string, V]> {
    for (let position = 0; position < this.byPosition.length; position++) {
      const value = this.byPosition[position];
      if (value !== undefined) yield [this.ids[position]!, value];
    }
  }

  *keys(): MapIterator<string> {
    for (const [id] of this.entries()) yield id;
  }

  *values(): MapIterator<V> {
    for (const [, value] of this.entries()) yield value;
  }

  forEach(callback: (value: V, key: string, map: ReadonlyMap<string, V>) => void, thisArg?: unknown): void {
    for (const [id, value] of this.entries()) callback.call(thisArg, value, id, this);
  }

  [Symbol.iterator](): MapIterator<[string, V]> {
    return this.entries();
  }
}
