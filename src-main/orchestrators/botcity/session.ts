import { MissingSecretError, type SecretStore } from '../../secrets/secret-store.js';
import { BotCityError } from './errors.js';
import { parseJson, type HttpClient, type HttpRequest, type HttpResponse } from './http.js';
import { loginResponseSchema } from './schemas.js';

interface SessionOptions {
  /** Workspace login (not secret). */
  login: string;
  /** Keychain reference of the workspace key. */
  keyRef: string;
  secrets: SecretStore;
  now: () => number;
  /** Log in again before a token reaches this age (BotCity's own dashboard renews hourly). */
  maxTokenAgeMs?: number;
  /** After the server refused the login and key, wait this long before trying them again. */
  loginRetryMs?: number;
}

interface Token {
  accessToken: string;
  organization: string;
  obtainedAt: number;
}

/**
 * A logged-in workspace: sends `token`/`organization` headers, logs in again once on 401/403 and
 * proactively before the token is an hour old. Concurrent callers share one login.
 */
export class BotCitySession {
  /** Logins sent (for tests and metrics). */
  logins = 0;
  private token?: Token;
  private pending?: Promise<Token>;
  private refusedUntil = 0;
  private refusal?: BotCityError;
  private readonly maxTokenAgeMs: number;
  private readonly loginRetryMs: number;

  constructor(
    private readonly http: HttpClient,
    private readonly options: SessionOptions,
  ) {
    this.maxTokenAgeMs = options.maxTokenAgeMs ?? 50 * 60_000;
    this.loginRetryMs = options.loginRetryMs ?? 60_000;
  }

  get organization(): string | undefined {
    return this.token?.organization;
  }

  /** A current token, logging in if there is none or it is too old. */
  async ensure(): Promise<Token> {
    const token = this.token;
    if (token && this.options.now() - token.obtainedAt < this.maxTokenAgeMs) return token;
    return this.relogin(token);
  }

  /** Sends an authenticated request; on 401/403 logs in again once and repeats it once. */
  async call(request: HttpRequest): Promise<HttpResponse> {
    const token = await this.ensure();
    const response = await this.http.send(this.withToken(request, token));
    if (response.status !== 401 && response.status !== 403) return response;
    const renewed = await this.relogin(token);
    const again = await this.http.send(this.withToken(request, renewed));
    if (again.status === 401 || again.status === 403)
      throw new BotCityError(
        'auth',
        `${request.method} ${request.path}: refused with a fresh token (HTTP ${again.status}); the workspace may lack the permission`,
        { status: again.status },
      );
    return again;
  }

  /** Logs in unless another caller already replaced `stale` (so one expiry costs one login). */
  private relogin(stale: Token | undefined): Promise<Token> {
    if (this.token && this.token !== stale) return Promise.resolve(this.token);
    this.pending ??= this.login().finally(() => (this.pending = undefined));
    return this.pending;
  }

  private async login(): Promise<Token> {
    if (this.refusal && this.options.now() < this.refusedUntil) throw this.refusal;
    const key = await this.readKey();
    this.logins++;
    const response = await this.http.send({
      method: 'POST',
      path: '/api/v2/workspace/login',
      body: { login: this.options.login, key },
    });
    if (response.status === 401 || response.status === 403 || response.status === 400) {
      this.token = undefined;
      this.refusal = new BotCityError(
        'auth',
        `The orchestrator refused workspace login "${this.options.login}" and its key (HTTP ${response.status}); check both with \`session-manager orchestrator set\``,
        { status: response.status },
      );
      this.refusedUntil = this.options.now() + this.loginRetryMs;
      throw this.refusal;
    }
    if (response.status < 200 || response.status >= 300)
      throw new BotCityError('http', `POST /api/v2/workspace/login: unexpected HTTP ${response.status}`, {
        status: response.status,
      });
    const parsed = parseJson(response, loginResponseSchema, 'POST /api/v2/workspace/login');
    this.refusal = undefined;
    this.token = {
      accessToken: parsed.accessToken,
      organization: parsed.organization ?? this.options.login,
      obtainedAt: this.options.now(),
    };
    return this.token;
  }

  private async readKey(): Promise<string> {
    let key: string | undefined;
    try {
      key = await this.options.secrets.get(this.options.keyRef);
    } catch (error) {
      throw new BotCityError('secret', error instanceof Error ? error.message : String(error));
    }
    if (!key) throw new BotCityError('secret', new MissingSecretError(this.options.keyRef).message);
    return key;
  }

  private withToken(request: HttpRequest, token: Token): HttpRequest {
    return {
      ...request,
      headers: { ...request.headers, token: token.accessToken, organization: token.organization },
    };
  }
}
