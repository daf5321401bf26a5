import { createHash } from 'node:crypto';
import type { SecretStore } from './secret-store.js';

/**
 * A secret's version: a short SHA-256 of its value, so a change is seen whichever way it was made
 * (CLI, API, console, or the keychain entry replaced by hand) without the value leaving the store.
 * Salted with the reference, so equal passwords of two entries do not show as equal.
 */
function versionOf(ref: string, value: string): string {
  return createHash('sha256').update(ref).update('\0').update(value).digest('hex').slice(0, 16);
}

/** The versions of `refs` that the store can read (a ref it cannot read is left out: unknown). */
export async function secretVersions(
  store: Pick<SecretStore, 'get'>,
  refs: Iterable<string>,
): Promise<Map<string, string>> {
  const versions = new Map<string, string>();
  for (const ref of new Set(refs)) {
    try {
      const value = await store.get(ref);
      if (value !== undefined) versions.set(ref, versionOf(ref, value));
    } catch {
      // Unreadable now: unknown, which never unblocks anything.
    }
  }
  return versions;
}
