import { z } from 'zod';

/**
 * Field-by-field validation with the API's own zod schemas (the rules the CLI and the service apply),
 * so a form says what is wrong next to the field, before anything is sent.
 */

export type FieldErrors = Record<string, string>;

function unwrap(schema: z.ZodType): z.ZodType {
  let current: z.ZodType = schema;
  for (;;) {
    if (current instanceof z.ZodDefault) current = current.removeDefault() as z.ZodType;
    else if (current instanceof z.ZodOptional || current instanceof z.ZodNullable)
      current = current.unwrap() as z.ZodType;
    else if (current instanceof z.ZodPipe) current = current.in as z.ZodType;
    else return current;
  }
}

/** The schema of one field, e.g. ['aws', 'instanceId'] of the host input. */
function fieldSchema(root: z.ZodType, path: readonly string[]): z.ZodType | undefined {
  let current: z.ZodType | undefined = root;
  for (const key of path) {
    const object: z.ZodType | undefined = current ? unwrap(current) : undefined;
    if (!(object instanceof z.ZodObject)) return undefined;
    current = (object.shape as Record<string, z.ZodType>)[key];
  }
  return current;
}

/** The first reason a value is wrong for a field, or undefined when it is right. */
export function fieldError(root: z.ZodType, path: readonly string[], value: unknown): string | undefined {
  const schema = fieldSchema(root, path);
  if (!schema) return undefined;
  const result = schema.safeParse(value);
  return result.success ? undefined : result.error.issues[0]?.message;
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
