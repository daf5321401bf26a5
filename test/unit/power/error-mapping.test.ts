import { describe, expect, it } from 'vitest';
import { ec2ErrorKind, missingInstanceIds } from '../../../src-main/drivers/power/aws-ec2-errors.js';
import { ec2PowerState } from '../../../src-main/drivers/power/aws-ec2.js';
import { azureErrorKind, azureRetryAfterMs } from '../../../src-main/drivers/power/azure-vm-errors.js';
import { azurePowerState } from '../../../src-main/drivers/power/azure-vm.js';

/** Cloud words → our typed kinds and states, as tables. */

const named = (name: string, extra: object = {}) => Object.assign(new Error('x'), { name }, extra);
const headers = (values: Record<string, string>) => ({ get: (name: string) => values[name] });

describe('EC2 error codes', () => {
  it.each([
    ['RequestLimitExceeded', 'throttled'],
    ['Throttling', 'throttled'],
    ['InsufficientInstanceCapacity', 'capacity'],
    ['IncorrectInstanceState', 'incorrect-state'],
    ['InvalidInstanceID.NotFound', 'not-found'],
    ['AuthFailure', 'auth'],
    ['UnauthorizedOperation', 'permission'],
    ['CredentialsProviderError', 'auth'],
    ['TimeoutError', 'timeout'],
    ['InternalError', 'other'],
  ])('%s → %s', (code, kind) => {
    expect(ec2ErrorKind(named(code))).toBe(kind);
  });

  it('reads the ids a NotFound error names', () => {
    expect(missingInstanceIds("The instance IDs 'i-0123456789abcdef0, i-12345678' do not exist")).toEqual([
      'i-0123456789abcdef0',
      'i-12345678',
    ]);
  });

  it.each([
    ['pending', 'starting'],
    ['running', 'on'],
    ['stopping', 'stopping'],
    ['stopped', 'off'],
    ['shutting-down', 'gone'],
    ['terminated', 'gone'],
    ['rebooting?', 'unknown'],
  ])('state %s → %s', (name, state) => {
    expect(ec2PowerState(name)).toBe(state);
  });
});

describe('Azure errors', () => {
  it.each([
    [{ statusCode: 429, code: 'TooManyRequests' }, 'throttled'],
    [{ code: 'AllocationFailed' }, 'capacity'],
    [{ message: 'The long-running operation has failed. ZonalAllocationFailed. No capacity.' }, 'capacity'],
    [{ statusCode: 409, code: 'OperationNotAllowed' }, 'incorrect-state'],
    [{ statusCode: 404, code: 'ResourceNotFound' }, 'not-found'],
    [{ statusCode: 403, code: 'AuthorizationFailed' }, 'permission'],
    [{ name: 'CredentialUnavailableError' }, 'auth'],
    [{ name: 'AuthenticationError' }, 'auth'],
    [{ name: 'AbortError' }, 'timeout'],
    [{ statusCode: 500, code: 'InternalServerError' }, 'other'],
  ])('%o → %s', (error, kind) => {
    expect(
      azureErrorKind(Object.assign(new Error(String((error as { message?: string }).message ?? 'x')), error)),
    ).toBe(kind);
  });

  it('reads Retry-After in ms, seconds or as a date', () => {
    expect(azureRetryAfterMs({ response: { headers: headers({ 'retry-after-ms': '250' }) } })).toBe(250);
    expect(azureRetryAfterMs({ response: { headers: headers({ 'retry-after': '7' }) } })).toBe(7_000);
    const now = Date.parse('2026-01-01T00:00:00Z');
    expect(
      azureRetryAfterMs(
        { response: { headers: headers({ 'retry-after': 'Thu, 01 Jan 2026 00:00:30 GMT' }) } },
        now,
      ),
    ).toBe(30_000);
    expect(azureRetryAfterMs(new Error('no response'))).toBeUndefined();
  });

  it.each([
    ['PowerState/starting', 'starting'],
    ['PowerState/running', 'on'],
    ['PowerState/stopping', 'stopping'],
    ['PowerState/deallocating', 'stopping'],
    ['PowerState/stopped', 'off'],
    ['PowerState/deallocated', 'off'],
    ['ProvisioningState/deleting', 'gone'],
    [undefined, 'unknown'],
  ])('state %s → %s', (code, state) => {
    expect(azurePowerState(code)).toBe(state);
  });
});
