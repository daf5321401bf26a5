import type { HostPower, PowerErrorKind, PowerReadError, PowerResult } from '../../core/power-driver.js';

/** Small builders shared by the power drivers, so every driver words its results the same way. */

export function ok(detail?: string): PowerResult {
  return detail === undefined ? { ok: true } : { ok: true, detail };
}

export function failed(error: PowerErrorKind, message: string, retryAfterMs?: number): PowerResult {
  return retryAfterMs === undefined
    ? { ok: false, error, message }
    : { ok: false, error, message, retryAfterMs };
}

export function unknownHost(hostId: string, detail: string, error?: PowerReadError): HostPower {
  return error
    ? { hostId, state: 'unknown', managed: false, detail, error }
    : { hostId, state: 'unknown', managed: false, detail };
}

/** An error's message without anything that could carry a secret (SDK errors never include keys). */
export function messageOf(error: unknown): string {
  if (error instanceof Error) return error.message.slice(0, 500);
  return String(error).slice(0, 500);
}

export function chunk<T>(items: readonly T[], size: number): T[][] {
  const chunks: T[][] = [];
  for (let index = 0; index < items.length; index += size) chunks.push(items.slice(index, index + size));
  return chunks;
}

export const MANAGED_TAG = 'session-manager:managed';
