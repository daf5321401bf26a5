import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { makeSecretRef } from '../secrets/secret-ref.js';
import type { SecretStore } from '../secrets/secret-store.js';

/** The API's bearer token lives in the keychain like every other secret. */
export const API_TOKEN_REF = makeSecretRef('api-token', 'default');

/** A new token: 256 random bits. */
export function newApiToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Returns the stored token, creating one (256 random bits) on first run. */
export async function getOrCreateApiToken(secrets: SecretStore): Promise<string> {
  const existing = await secrets.get(API_TOKEN_REF);
  if (existing) return existing;
  const token = newApiToken();
  await secrets.set(API_TOKEN_REF, token);
  return token;
}

/** Replaces the token (e.g. after it leaked): every client must use the new one. */
export async function rotateApiToken(secrets: SecretStore): Promise<string> {
  const token = newApiToken();
  await secrets.set(API_TOKEN_REF, token);
  return token;
}

/** Constant-time comparison: hashing first makes both sides the same length. */
export function tokensMatch(given: string | undefined, expected: string): boolean {
  if (given === undefined) return false;
  const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();
  return timingSafeEqual(digest(given), digest(expected));
}

/** The token from `Authorization: Bearer <token>`, if the header has that form. */
export function bearerToken(header: string | undefined): string | undefined {
  const match = /^Bearer[ \t]+([^\s]+)[ \t]*$/i.exec(header ?? '');
  return match?.[1];
}
