/** What an API failure says to a person, and which fields it names (ApiError over HTTP or IPC). */

interface FieldIssue {
  path: string;
  message: string;
}

export function errorText(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'object' && error && 'message' in error) return String(error.message);
  return String(error);
}

export function errorIssues(error: unknown): FieldIssue[] {
  const issues = (error as { issues?: unknown } | undefined)?.issues;
  if (!Array.isArray(issues)) return [];
  return issues.filter(
    (issue): issue is FieldIssue =>
      typeof issue === 'object' &&
      issue !== null &&
      typeof issue.path === 'string' &&
      typeof issue.message === 'string',
  );
}

export function isUnauthorized(error: unknown): boolean {
  const e = error as { code?: unknown; status?: unknown } | undefined;
  return e?.code === 'unauthorized' || e?.status === 401;
}
