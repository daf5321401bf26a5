import type { z } from 'zod';

/**
 * Field-by-field validation with the API's own zod schemas (the rules the CLI and the service apply),
 * so a form says what is wrong next to the field, before anything is sent.
 */

export type FieldErrors = Record<string, string>;

/**
 * The first reason zod gives for `path` when `schema` parses `value` (a whole object, or a patch that
 * holds only that field): the schema always validates as a whole, nothing walks its internals.
 */
export function issueAt(schema: z.ZodType, value: unknown, path: readonly string[]): string | undefined {
  const result = schema.safeParse(value);
  if (result.success) return undefined;
  const key = path.join('.');
  return result.error.issues.find((issue) => {
    const at = issue.path.map(String).join('.');
    return at === key || at.startsWith(`${key}.`);
  })?.message;
}

/** `value` placed at `path` in an otherwise empty object (a one-field patch). */
export function patchAt(path: readonly string[], value: unknown): Record<string, unknown> {
  return path.reduceRight<Record<string, unknown>>((inner, key) => ({ [key]: inner }), value as never);
}

/** Every issue of a whole-object parse, by dotted path (the first per field). */
export function errorsOf(error: z.ZodError): FieldErrors {
  const errors: FieldErrors = {};
  for (const issue of error.issues) {
    const key = issue.path.map(String).join('.');
    errors[key] ??= issue.message;
  }
  return errors;
}

/** Only the errors for these fields (a wizard step shows its own). */
export function pick(errors: FieldErrors, fields: readonly string[]): FieldErrors {
  return Object.fromEntries(Object.entries(errors).filter(([key]) => fields.includes(key)));
}

/** Trims a text input; empty means "not given". */
export function optionalText(value: string): string | undefined {
  const trimmed = value.trim();
  return trimmed === '' ? undefined : trimmed;
}
