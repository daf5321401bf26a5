import { z } from 'zod';

/**
 * A secret reference names a keychain entry: service `session-manager`, account `<kind>:<id>`.
 * The config holds only these; the values never leave the keychain except to the driver that uses them.
 */
export const secretKinds = [
  'host-password',
  'runner-password',
  'orchestrator-key',
  'aws-secret',
  'azure-secret',
  'smtp-password',
  /** A Slack/Teams incoming-webhook URL: whoever has it can post, so it is a credential. */
  'webhook-url',
  'api-token',
  /** The password of the PostgreSQL role that several instances share the fleet through. */
  'coordination-password',
] as const;
export type SecretKind = (typeof secretKinds)[number];

export const secretRef = z
  .string()
  .regex(/^[a-z][a-z-]*:[A-Za-z0-9._-]{1,64}$/, 'a keychain reference like host-password:bot-01');

export function makeSecretRef(kind: SecretKind, id: string): string {
  return `${kind}:${id}`;
}
