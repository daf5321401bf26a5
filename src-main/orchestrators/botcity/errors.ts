/** Why a call to Maestro failed, in kinds that the client, the CLI and the operator can act on. */
export const BOTCITY_ERROR_KINDS = [
  'dns',
  'tls',
  'refused',
  'timeout',
  'dropped',
  'network',
  'rate-limited',
  'server',
  'auth',
  'http',
  'malformed',
  'secret',
] as const;
export type BotCityErrorKind = (typeof BOTCITY_ERROR_KINDS)[number];

/** Never carries a secret: messages name the server and the path, never headers or bodies sent. */
export class BotCityError extends Error {
  constructor(
    readonly kind: BotCityErrorKind,
    message: string,
    readonly details: { status?: number; retryAfterMs?: number; code?: string } = {},
  ) {
    super(message);
    this.name = 'BotCityError';
  }
}

const tlsCodes =
  /CERT|SSL|TLS|SELF_SIGNED|UNABLE_TO_VERIFY|UNABLE_TO_GET_ISSUER|HOSTNAME_MISMATCH|ERR_TLS|EPROTO/i;

/** Maps what fetch (undici) throws to a kind, looking through `cause` chains for the system error code. */
export function classifyFetchError(error: unknown, what: string, timeoutMs: number): BotCityError {
  if (error instanceof BotCityError) return error;
  const chain: unknown[] = [];
  for (let current: unknown = error; current && chain.length < 5;) {
    chain.push(current);
    current = (current as { cause?: unknown }).cause;
  }
  const names = chain.map((e) => (e as { name?: string }).name ?? '');
  const codes = chain.map((e) => String((e as { code?: unknown }).code ?? ''));
  const messages = chain.map((e) => String((e as { message?: unknown }).message ?? ''));
  const code = codes.find((c) => c.length > 0);
  if (names.includes('TimeoutError'))
    return new BotCityError(
      'timeout',
      `${what}: no answer within ${timeoutMs >= 1000 ? `${timeoutMs / 1000} s` : `${timeoutMs} ms`}`,
      { code },
    );
  if (codes.some((c) => c === 'ENOTFOUND' || c === 'EAI_AGAIN' || c === 'EAI_NONAME'))
    return new BotCityError('dns', `${what}: the server name does not resolve (DNS ${code})`, { code });
  if (codes.includes('ECONNREFUSED'))
    return new BotCityError('refused', `${what}: connection refused (nothing listens there)`, { code });
  if (codes.some((c) => tlsCodes.test(c)) || messages.some((m) => /certificate|TLS|SSL/i.test(m)))
    return new BotCityError(
      'tls',
      `${what}: TLS failed (${code || messages.find((m) => /certificate|TLS|SSL/i.test(m))})`,
      { code },
    );
  if (
    codes.some((c) => c === 'ECONNRESET' || c === 'UND_ERR_SOCKET' || c === 'EPIPE') ||
    messages.some((m) => /other side closed|socket hang up|terminated/i.test(m))
  )
    return new BotCityError('dropped', `${what}: the connection was dropped before a full answer`, { code });
  if (messages.some((m) => /redirect/i.test(m)))
    return new BotCityError(
      'http',
      `${what}: the server answered with a redirect; set the final URL (often https://) as the server`,
      { code },
    );
  if (codes.some((c) => c === 'EHOSTUNREACH' || c === 'ENETUNREACH' || c === 'ETIMEDOUT'))
    return new BotCityError('network', `${what}: the server is unreachable (${code})`, { code });
  return new BotCityError('network', `${what}: ${messages.filter(Boolean).join(': ') || 'network error'}`, {
    code,
  });
}
