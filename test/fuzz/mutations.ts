import fc from 'fast-check';

/**
 * Mutations of a valid JSON document, for fuzzing validators from near-valid inputs: each picks a node
 * by a random walk (numbers choose among keys or items) and replaces it, deletes it, or adds a key.
 */
export type Mutation =
  | { kind: 'replace'; walk: number[]; value: unknown }
  | { kind: 'delete'; walk: number[] }
  | { kind: 'add'; walk: number[]; key: string; value: unknown };

/** Values that probe the edges: wrong types, empty, huge, hostile strings, numbers out of range. */
export const edgyValue: fc.Arbitrary<unknown> = fc.oneof(
  fc.jsonValue({ maxDepth: 2 }),
  fc.constantFrom(
    '',
    ' ',
    null,
    0,
    -1,
    1e308,
    -0,
    'x'.repeat(5000),
    '../../etc/passwd',
    '<script>alert(1)</script>',
    '\u0000',
    '127.0.0.1:99999',
    'i-xyz',
    'host-password:',
    'a:b:c',
    '2024-13-45',
    '24:01',
    [],
    {},
    true,
    '__proto__',
    'constructor',
  ),
  fc.string({ maxLength: 30 }),
  fc.integer(),
  fc.double(),
);

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({
    kind: fc.constant('replace' as const),
    walk: fc.array(fc.nat(), { maxLength: 5 }),
    value: edgyValue,
  }),
  fc.record({
    kind: fc.constant('delete' as const),
    walk: fc.array(fc.nat(), { minLength: 1, maxLength: 5 }),
  }),
  fc.record({
    kind: fc.constant('add' as const),
    walk: fc.array(fc.nat(), { maxLength: 4 }),
    key: fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'password', 'id'),
    ),
    value: edgyValue,
  }),
);

type Json = unknown;
const isContainer = (value: Json): value is Record<string, Json> | Json[] =>
  typeof value === 'object' && value !== null;

/** Applies mutations to a deep copy of `document`. */
export function mutate<T>(document: T, mutations: readonly Mutation[]): unknown {
  let root: Json = structuredClone(document);
  for (const m of mutations) {
    // Walk down to a container, remembering the parent and key of the node reached.
    let parent: Record<string, Json> | Json[] | undefined;
    let key: string | number | undefined;
    let node: Json = root;
    for (const step of m.walk) {
      if (!isContainer(node)) break;
      const keys: Array<string | number> = Array.isArray(node) ? node.map((_, i) => i) : Object.keys(node);
      if (keys.length === 0) break;
      parent = node;
      key = keys[step % keys.length]!;
      node = (node as Record<string | number, Json>)[key];
    }
    if (m.kind === 'add') {
      if (isContainer(node) && !Array.isArray(node))
        Object.defineProperty(node, m.key, {
          value: m.value,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      else if (Array.isArray(node)) node.push(m.value);
      continue;
    }
    if (parent === undefined || key === undefined) {
      if (m.kind === 'replace') root = m.value;
      continue;
    }
    if (m.kind === 'replace') (parent as Record<string | number, Json>)[key] = m.value;
    else if (Array.isArray(parent)) parent.splice(key as number, 1);
    else delete parent[key as string];
  }
  return root;
}
