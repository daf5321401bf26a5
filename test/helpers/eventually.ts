import { setTimeout as delay } from 'node:timers/promises';

export interface EventuallyOptions {
  timeoutMs?: number;
  everyMs?: number;
  /** What to show when the deadline passes (the last state seen, the service's output...). */
  detail?: () => string | Promise<string>;
}

/**
 * The one polling helper of the tests and the bench: calls `check` until it returns something truthy;
 * the deadline bounds the wait, it decides nothing. Not `vi.waitFor`, because the bench and the
 * peers' helpers (rdp-servers.ts) run outside vitest too.
 */
export async function eventually<T>(
  check: () => T | undefined | null | false | Promise<T | undefined | null | false>,
  what: string | (() => string),
  options: number | EventuallyOptions = {},
): Promise<T> {
  const {
    timeoutMs = 60_000,
    everyMs = 50,
    detail,
  } = typeof options === 'number' ? { timeoutMs: options } : options;
  const deadline = Date.now() + timeoutMs;
  let lastError: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value) return value;
    } catch (error) {
      lastError = error;
    }
    if (Date.now() > deadline) {
      const more = detail ? await Promise.resolve(detail()).catch((error: unknown) => String(error)) : '';
      const last = lastError ? ` (last error: ${String(lastError)})` : '';
      throw new Error(
        `timed out waiting for ${typeof what === 'string' ? what : what()}${last}${more ? `\n${more}` : ''}`,
      );
    }
    await delay(everyMs);
  }
}
