import { parseRetryAfter } from '../../lib/retry-after.js';
import type { PowerErrorKind } from '../../core/power-driver.js';

/** Azure (ARM, Entra, core-lro) errors → our typed kinds. */

const capacityCodes = new Set([
  'AllocationFailed',
  'ZonalAllocationFailed',
  'OverconstrainedAllocationRequest',
  'OverconstrainedZonalAllocationRequest',
  'SkuNotAvailable',
  'AllocationFailedVMSeriesNotSupported',
]);
const stateCodes = new Set(['OperationNotAllowed', 'Conflict', 'OperationPreempted']);
const notFoundCodes = new Set([
  'ResourceNotFound',
  'NotFound',
  'ResourceGroupNotFound',
  'SubscriptionNotFound',
]);
const authCodes = new Set([
  'InvalidAuthenticationToken',
  'InvalidAuthenticationTokenTenant',
  'AuthenticationFailed',
  'invalid_client',
]);
const permissionCodes = new Set(['AuthorizationFailed', 'LinkedAuthorizationFailed']);
/** core-rest-pipeline's code for a request that never reached the server, and Node's socket codes. */
const unreachableCodes = new Set([
  'REQUEST_SEND_ERROR',
  'ECONNREFUSED',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ENETUNREACH',
]);
const authNames = new Set([
  'CredentialUnavailableError',
  'AuthenticationError',
  'AuthenticationRequiredError',
  'MissingSecretError',
]);

interface AzureErrorLike {
  name?: string;
  code?: string;
  statusCode?: number;
  message?: string;
  response?: { headers?: { get(name: string): string | undefined } };
}

/** The ARM error code, also when core-lro folded it into "The long-running operation has failed. Code. Message". */
export function azureErrorCode(error: unknown): string {
  const value = (error ?? {}) as AzureErrorLike;
  if (typeof value.code === 'string' && value.code) return value.code;
  const folded = /long-running operation has failed\. ([A-Za-z_]+)\./.exec(value.message ?? '');
  if (folded) return folded[1]!;
  return value.name && value.name !== 'Error' ? value.name : 'Error';
}

export function azureErrorKind(error: unknown): PowerErrorKind {
  const value = (error ?? {}) as AzureErrorLike;
  const code = azureErrorCode(error);
  if (value.name === 'AbortError') return 'timeout';
  if (value.statusCode === 429 || code === 'TooManyRequests') return 'throttled';
  if (capacityCodes.has(code)) return 'capacity';
  if (value.statusCode === 409 || stateCodes.has(code)) return 'incorrect-state';
  if (value.statusCode === 404 || notFoundCodes.has(code)) return 'not-found';
  if (value.statusCode === 403 || permissionCodes.has(code)) return 'permission';
  if (value.statusCode === 401 || authCodes.has(code) || authNames.has(value.name ?? '')) return 'auth';
  if (unreachableCodes.has(code)) return 'unreachable';
  return 'other';
}

/** Retry-After as ARM (seconds or a date) or other Azure services (retry-after-ms) send it. */
export function azureRetryAfterMs(error: unknown, now = Date.now()): number | undefined {
  const headers = (error as AzureErrorLike | undefined)?.response?.headers;
  if (!headers) return undefined;
  for (const name of ['retry-after-ms', 'x-ms-retry-after-ms']) {
    const value = Number(headers.get(name));
    if (headers.get(name) && Number.isFinite(value)) return value;
  }
  return parseRetryAfter(headers.get('retry-after'), now);
}
