import { z } from 'zod';

/** What the fake can be told to do wrong, on every route or one (e.g. "GET /api/v2/task"). */
export const failureModeSchema = z.discriminatedUnion('kind', [
  /** Answer normally, but only after a delay. */
  z.object({ kind: z.literal('slow'), delayMs: z.number().int().min(0).max(600_000) }),
  /** 429 Too Many Requests with a Retry-After in seconds. */
  z.object({ kind: z.literal('rate-limit'), retryAfterSeconds: z.number().int().min(0).max(86_400) }),
  /** A 5xx answer. */
  z.object({ kind: z.literal('server-error'), status: z.number().int().min(500).max(599).default(500) }),
  /** 200 with a body cut in the middle of the JSON. */
  z.object({ kind: z.literal('malformed-json') }),
  /** 200 with valid JSON of the wrong shape. */
  z.object({ kind: z.literal('bad-shape') }),
  /** The socket is destroyed without an answer. */
  z.object({ kind: z.literal('drop') }),
  /**
   * After a task page is served, the listing moves before the next read: `insert` adds a task at the front
   * (the next page repeats an item); `remove` takes the newest task out of the state (a runner took it, so
   * the next page skips an item).
   */
  z.object({ kind: z.literal('page-shift'), change: z.enum(['insert', 'remove']).default('insert') }),
]);
export type FailureMode = z.infer<typeof failureModeSchema>;

export const failureRuleSchema = z.object({
  mode: failureModeSchema,
  /** "METHOD /path" without query; absent = every API route (never /__control/). */
  route: z.string().optional(),
  /** Query parameters the request must have, e.g. {stateFilter: "START"}. */
  query: z.record(z.string(), z.string()).optional(),
  /** How many requests it applies to; absent = until cleared. */
  times: z.number().int().min(1).optional(),
});
export type FailureRule = z.input<typeof failureRuleSchema>;
export type ActiveFailureRule = z.output<typeof failureRuleSchema>;

/** The rules in force; each request takes the first that matches and uses one of its `times`. */
export class FailureSwitch {
  private rules: ActiveFailureRule[] = [];

  set(rule: FailureRule | undefined): void {
    this.rules = rule ? [failureRuleSchema.parse(rule)] : [];
  }

  add(rule: FailureRule): void {
    this.rules.push(failureRuleSchema.parse(rule));
  }

  clear(): void {
    this.rules = [];
  }

  /** The failure for this request, consuming one use of it. */
  take(
    route: string,
    query: URLSearchParams,
    accepts: (mode: FailureMode) => boolean = () => true,
  ): FailureMode | undefined {
    const index = this.rules.findIndex(
      (rule) =>
        (rule.route === undefined || rule.route === route) &&
        Object.entries(rule.query ?? {}).every(([name, value]) => query.get(name) === value) &&
        accepts(rule.mode),
    );
    if (index < 0) return undefined;
    const rule = this.rules[index]!;
    if (rule.times !== undefined) {
      rule.times -= 1;
      if (rule.times <= 0) this.rules.splice(index, 1);
    }
    return rule.mode;
  }
}
