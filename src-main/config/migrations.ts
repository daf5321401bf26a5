import { CONFIG_VERSION } from './schema.js';

/**
 * Each migration takes the raw object of version N and returns version N+1.
 * Version 0 is a file written before versions existed (or by hand without one).
 * A change that would need the keychain (a plain webhook URL becoming a secret ref) cannot be a
 * migration: the schema reports such a field instead (see PLAIN_WEBHOOK_URL_PROBLEM in schema.ts).
 */
const migrations: Record<number, (raw: Record<string, unknown>) => Record<string, unknown>> = {
  0: (raw) => ({ ...raw, version: 1 }),
};

export class UnsupportedConfigVersionError extends Error {
  constructor(readonly found: unknown) {
    super(
      `version: ${String(found)} is newer than this Session Manager understands (${CONFIG_VERSION}); upgrade Session Manager`,
    );
  }
}

/** Brings a raw parsed config up to CONFIG_VERSION. Pure: returns a new object, never the input. */
export function migrate(raw: Record<string, unknown>): {
  config: Record<string, unknown>;
  migrated: boolean;
} {
  let current = { ...raw };
  const found = current.version === undefined ? 0 : current.version;
  // A non-numeric version is left for the schema to report.
  if (typeof found !== 'number' || !Number.isInteger(found) || found < 0)
    return { config: current, migrated: false };
  let version: number = found;
  if (version > CONFIG_VERSION) throw new UnsupportedConfigVersionError(version);
  const from = version;
  while (version < CONFIG_VERSION) {
    const step = migrations[version];
    if (!step) throw new UnsupportedConfigVersionError(version);
    current = step(current);
    version = current.version as number;
  }
  return { config: current, migrated: version !== from };
}
