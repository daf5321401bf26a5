/** Reading and writing nested plain objects by a path of keys (config fields, form drafts, patches). */

type Plain = Record<string, unknown>;

const isPlain = (value: unknown): value is Plain =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** The value at `path`, or undefined when any step is missing. */
export function getPath(value: unknown, path: readonly string[]): unknown {
  let current = value;
  for (const key of path) current = isPlain(current) ? current[key] : undefined;
  return current;
}

/**
 * Sets the value at `path`, making the objects on the way; `undefined` removes the key (so JSON and
 * the config stay free of empty fields).
 */
export function setPath(target: Plain, path: readonly string[], value: unknown): void {
  let current = target;
  for (const key of path.slice(0, -1)) {
    if (!isPlain(current[key])) current[key] = {};
    current = current[key] as Plain;
  }
  const last = path.at(-1)!;
  if (value === undefined) delete current[last];
  else current[last] = value;
}
