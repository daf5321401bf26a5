import type { PowerErrorKind } from '../../core/power-driver.js';

/** EC2 error codes (the `<Code>` of the XML error, surfaced by the SDK as `error.name`) → our typed kinds. */
const kinds: Record<string, PowerErrorKind> = {
  RequestLimitExceeded: 'throttled',
  Throttling: 'throttled',
  ThrottlingException: 'throttled',
  RequestThrottled: 'throttled',
  InsufficientInstanceCapacity: 'capacity',
  InsufficientHostCapacity: 'capacity',
  InsufficientCapacity: 'capacity',
  IncorrectInstanceState: 'incorrect-state',
  IncorrectState: 'incorrect-state',
  'InvalidInstanceID.NotFound': 'not-found',
  'InvalidInstanceID.Malformed': 'not-found',
  AuthFailure: 'auth',
  InvalidClientTokenId: 'auth',
  SignatureDoesNotMatch: 'auth',
  CredentialsProviderError: 'auth',
  MissingSecretError: 'auth',
  UnauthorizedOperation: 'permission',
  OptInRequired: 'permission',
  Blocked: 'permission',
  // What Node's sockets say when the endpoint cannot be reached.
  ECONNREFUSED: 'unreachable',
  ENOTFOUND: 'unreachable',
  EAI_AGAIN: 'unreachable',
  ECONNRESET: 'unreachable',
  EHOSTUNREACH: 'unreachable',
  ENETUNREACH: 'unreachable',
  EPIPE: 'unreachable',
  TimeoutError: 'timeout',
  RequestTimeout: 'timeout',
  AbortError: 'timeout',
};

export function ec2ErrorCode(error: unknown): string {
  if (error && typeof error === 'object') {
    const record = error as { name?: unknown; Code?: unknown; code?: unknown };
    for (const value of [record.Code, record.name, record.code])
      if (typeof value === 'string' && value !== 'Error') return value;
  }
  return 'Error';
}

export function ec2ErrorKind(error: unknown): PowerErrorKind {
  const code = ec2ErrorCode(error);
  if (kinds[code]) return kinds[code];
  // The SDK fails before sending when no credentials or region can be found.
  if (/credential|region is missing/i.test(error instanceof Error ? error.message : '')) return 'auth';
  return 'other';
}

/** How many HTTP attempts a failed call cost (the SDK's own retries included). */
export function attemptsOf(error: unknown): number {
  const metadata = (error as { $metadata?: { attempts?: number } } | undefined)?.$metadata;
  return metadata?.attempts ?? (metadata ? 1 : 0);
}

/** `The instance IDs 'i-1, i-2' do not exist` → the ids named. */
export function missingInstanceIds(message: string): string[] {
  return [...message.matchAll(/i-[0-9a-f]{8,17}\b/g)].map((match) => match[0]);
}
