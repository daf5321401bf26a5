import { getPath, setPath } from '../lib/object-path.js';
import type { z } from 'zod';
import { CliError, ExitCode } from './errors.js';
import { Prompter, type Choice } from './prompter.js';
import type { CliIO } from './context.js';

/**
 * One form field shared by flag mode and prompt mode: where it goes in the object, its flag, its prompt,
 * and the schema that validates it (the config schema's own rule, so the CLI and the file agree).
 */
export interface Field<Draft> {
  path: string[];
  /** Commander's camelCase option name; the flag is its kebab-case form. */
  option: string;
  label: string;
  /** Said in the prompt after the label: what the field needs elsewhere (a tag, a role). */
  hint?: string;
  kind: 'text' | 'integer' | 'number' | 'choice' | 'list';
  schema: z.ZodType;
  choices?: Choice<string>[];
  optional?: boolean;
  /** The field applies only when this holds (e.g. AWS fields for aws-ec2 hosts). */
  when?: (draft: Draft) => boolean;
  defaultValue?: (draft: Draft) => unknown;
}

export function flagOf(option: string): string {
  return `--${option.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}`;
}

function coerce<Draft>(field: Field<Draft>, raw: unknown): unknown {
  if (raw === undefined) return undefined;
  if (field.kind === 'integer') {
    const text = String(raw).trim();
    return /^-?\d+$/.test(text) ? Number(text) : text;
  }
  if (field.kind === 'number') {
    const text = String(raw).trim();
    return /^-?\d+(\.\d+)?$/.test(text) ? Number(text) : text;
  }
  if (field.kind === 'list')
    return Array.isArray(raw)
      ? raw
      : String(raw)
          .split(',')
          .map((s) => s.trim())
          .filter(Boolean);
  return typeof raw === 'string' ? raw.trim() : raw;
}

function check<Draft>(
  field: Field<Draft>,
  value: unknown,
): { ok: true; value: unknown } | { ok: false; message: string } {
  const result = field.schema.safeParse(value);
  if (result.success) return { ok: true, value: result.data };
  return { ok: false, message: result.error.issues.map((issue) => issue.message).join('; ') };
}

function fieldError(field: { option: string; label: string }, message: string): CliError {
  return new CliError(`${flagOf(field.option)} (${field.label}): ${message}`, ExitCode.usage);
}

/**
 * Fills `draft` from flags, prompting for what is missing when a person is at the terminal.
 * `editing`: flags are optional and missing ones keep the current value; prompts show it as the default.
 */
export async function collectFields<Draft extends Record<string, unknown>>(
  fields: Field<Draft>[],
  draft: Draft,
  options: Record<string, unknown>,
  mode: { interactive: boolean; prompter?: Prompter; editing: boolean },
): Promise<Draft> {
  for (const field of fields) {
    if (field.when && !field.when(draft)) {
      continue;
    }
    const given = coerce(field, options[field.option]);
    if (given !== undefined) {
      const result = check(field, given);
      if (!result.ok) throw fieldError(field, result.message);
      setPath(draft, field.path, result.value);
      continue;
    }
    const current = getPath(draft, field.path) ?? field.defaultValue?.(draft);
    if (mode.interactive && mode.prompter) {
      setPath(draft, field.path, await promptField(field, current, mode.prompter));
      continue;
    }
    if (current !== undefined) {
      setPath(draft, field.path, current);
      continue;
    }
    if (!field.optional && !mode.editing) throw fieldError(field, 'required');
  }
  return draft;
}

async function promptField<Draft>(
  field: Field<Draft>,
  current: unknown,
  prompter: Prompter,
): Promise<unknown> {
  const label = `${field.label}${field.optional ? ' (optional)' : ''}${field.hint ? ` [${field.hint}]` : ''}`;
  if (field.kind === 'choice')
    return prompter.choose(label, field.choices ?? [], current as string | undefined);
  const text = await prompter.text(label, {
    default: current === undefined ? undefined : Array.isArray(current) ? current.join(',') : String(current),
    required: !field.optional,
    check: (value) => {
      if (value === '' && field.optional) return true;
      const result = check(field, coerce(field, value));
      return result.ok ? true : result.message;
    },
  });
  if (text === '' && field.optional) return undefined;
  const result = check(field, coerce(field, text));
  if (!result.ok) throw fieldError(field, result.message);
  return result.value;
}

/** Add mode: every field from flags, prompting for the missing ones when a person is at the terminal. */
export async function collectNew<Draft extends Record<string, unknown>>(
  fields: Field<Draft>[],
  options: Record<string, unknown>,
  io: CliIO,
): Promise<Draft> {
  const prompter = io.interactive ? new Prompter(io) : undefined;
  return collectFields(fields, {} as Draft, options, {
    interactive: io.interactive,
    prompter,
    editing: false,
  });
}

/**
 * Edit mode: starts from the current record; flags change what they name, and a person at the
 * terminal who gave no field flag is asked for each field with its current value as the default.
 */
export async function collectEdits<Draft extends Record<string, unknown>>(
  fields: Field<Draft>[],
  current: object,
  options: Record<string, unknown>,
  io: CliIO,
): Promise<Draft> {
  const anyFlag = fields.some((field) => options[field.option] !== undefined);
  const interactive = io.interactive && !anyFlag;
  const draft = structuredClone(current) as Draft;
  const prompter = interactive ? new Prompter(io) : undefined;
  return collectFields(fields, draft, options, { interactive, prompter, editing: true });
}
