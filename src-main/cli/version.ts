import { packageRoot } from '../lib/package-root.js';

/** The product's version, from its package.json. */
export function productVersion(): string {
  return packageRoot()?.version ?? 'unknown';
}
