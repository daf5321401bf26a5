import { z } from 'zod';

/** The one error shape every transport returns (HTTP body, IPC rejection), and what clients throw. */
export const apiErrorCodes = {
  'bad-request': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  'keychain-unavailable': 503,
  unavailable: 503,
  internal: 500,
} as const;
export type ApiErrorCode = keyof typeof apiErrorCodes;

const apiIssueSchema = z.object({ path: z.string(), message: z.string() });
type ApiIssue = z.infer<typeof apiIssueSchema>;

export const apiErrorBodySchema = z.object({
  error: z.enum(Object.keys(apiErrorCodes) as [ApiErrorCode, ...ApiErrorCode[]]),
  message: z.string(),
  issues: z.array(apiIssueSchema).optional(),
});
export type ApiErrorBody = z.infer<typeof apiErrorBodySchema>;

export class ApiError extends Error {
  constructor(
    readonly code: ApiErrorCode,
    message: string,
    readonly issues?: ApiIssue[],
  ) {
    super(message);
    this.name = 'ApiError';
  }

  get status(): number {
    return apiErrorCodes[this.code];
  }

  toBody(): ApiErrorBody {
    return { error: this.code, message: this.message, ...(this.issues ? { issues: this.issues } : {}) };
  }

  static fromBody(body: ApiErrorBody): ApiError {
    return new ApiError(body.error, body.message, body.issues);
  }
}

function pathText(path: readonly PropertyKey[]): string {
  return path.length ? path.map(String).join('.') : '(root)';
}

/** Zod issues → 400 naming each field and the reason. `prefix` places the issues inside the input. */
export function badRequest(error: z.ZodError, prefix: readonly PropertyKey[] = []): ApiError {
  const issues = error.issues.map((issue) => ({
    path: pathText([...prefix, ...issue.path]),
    message: issue.message,
  }));
  return new ApiError('bad-request', issues.map((i) => `${i.path}: ${i.message}`).join('; '), issues);
}

/** Parses or throws a 400 with the fields and reasons. */
export function parseInput<S extends z.ZodType>(schema: S, value: unknown): z.output<S> {
  const result = schema.safeParse(value);
  if (!result.success) throw badRequest(result.error);
  return result.data;
}
