import { describe, expect, it } from 'vitest';
import { classifyFetchError } from '../../../src-main/orchestrators/botcity/errors.js';

/** What undici's fetch throws: TypeError('fetch failed') with the system error as `cause`. */
function fetchFailed(cause: Record<string, unknown>): Error {
  return new TypeError('fetch failed', {
    cause: Object.assign(new Error(String(cause.message ?? 'x')), cause),
  });
}

describe('classifyFetchError', () => {
  it.each([
    [
      fetchFailed({ code: 'ENOTFOUND', message: 'getaddrinfo ENOTFOUND maestro.invalid' }),
      'dns',
      /does not resolve \(DNS ENOTFOUND\)/,
    ],
    [fetchFailed({ code: 'EAI_AGAIN' }), 'dns', /DNS EAI_AGAIN/],
    [fetchFailed({ code: 'ECONNREFUSED' }), 'refused', /connection refused/],
    [
      fetchFailed({ code: 'DEPTH_ZERO_SELF_SIGNED_CERT', message: 'self-signed certificate' }),
      'tls',
      /TLS failed \(DEPTH_ZERO_SELF_SIGNED_CERT\)/,
    ],
    [fetchFailed({ code: 'ERR_TLS_CERT_ALTNAME_INVALID' }), 'tls', /TLS failed/],
    [fetchFailed({ code: 'CERT_HAS_EXPIRED' }), 'tls', /CERT_HAS_EXPIRED/],
    [fetchFailed({ code: 'UND_ERR_SOCKET', message: 'other side closed' }), 'dropped', /dropped/],
    [fetchFailed({ code: 'ECONNRESET' }), 'dropped', /dropped/],
    [fetchFailed({ code: 'EHOSTUNREACH' }), 'network', /unreachable \(EHOSTUNREACH\)/],
    [fetchFailed({ message: 'unexpected redirect' }), 'http', /redirect; set the final URL/],
    [
      new DOMException('The operation was aborted due to timeout', 'TimeoutError'),
      'timeout',
      /no answer within 30 s/,
    ],
  ])('%s', (error, kind, message) => {
    const classified = classifyFetchError(error, 'GET /x', 30_000);
    expect(classified.kind).toBe(kind);
    expect(classified.message).toMatch(/^GET \/x: /);
    expect(classified.message).toMatch(message);
  });
});
