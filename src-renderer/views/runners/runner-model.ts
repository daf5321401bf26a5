import {
  runnerInputSchema,
  type RunnerInput,
  type RunnerPatch,
  type RunnerReply,
} from '../../../src-main/api/config-schemas.js';
import { errorsOf, optionalText, type FieldErrors } from '../../lib/validation.js';

/** The runner form's draft and its validation with the API's runner schema. */

export interface RunnerDraft {
  id: string;
  host: string;
  sessionMode: 'rdp' | 'console';
  user: string;
  domain: string;
  password: string;
  width: number;
  height: number;
  activities: string[];
}

export function emptyRunner(host = ''): RunnerDraft {
  return {
    id: '',
    host,
    sessionMode: 'rdp',
    user: '',
    domain: '',
    password: '',
    width: 1920,
    height: 1080,
    activities: [],
  };
}

export function runnerDraftOf(runner: RunnerReply): RunnerDraft {
  return {
    id: runner.id,
    host: runner.host,
    sessionMode: runner.sessionMode,
    user: runner.user ?? '',
    domain: runner.domain ?? '',
    password: '',
    width: runner.width,
    height: runner.height,
    activities: runner.activities,
  };
}

export function toRunnerInput(draft: RunnerDraft): RunnerInput {
  const input: RunnerInput = {
    id: draft.id.trim(),
    host: draft.host,
    sessionMode: draft.sessionMode,
    width: draft.width,
    height: draft.height,
    activities: draft.activities,
  };
  const user = optionalText(draft.user);
  const domain = optionalText(draft.domain);
  if (user) input.user = user;
  if (domain) input.domain = domain;
  if (draft.password) input.password = draft.password;
  return input;
}

/**
 * editRunner: removed optionals become null; an empty password keeps the stored one, unless the runner
 * goes back to the host's user: then its own password goes too (the host's password is used).
 */
export function toRunnerPatch(draft: RunnerDraft): RunnerPatch {
  const input = toRunnerInput(draft);
  return {
    ...input,
    user: input.user ?? null,
    domain: input.domain ?? null,
    ...(input.user ? {} : { password: null }),
  };
}

export function validateRunner(
  draft: RunnerDraft,
  takenIds: readonly string[],
  editing: boolean,
): FieldErrors {
  const input = toRunnerInput(draft) as Record<string, unknown>;
  const whole = runnerInputSchema.safeParse(input);
  const errors: FieldErrors = whole.success ? {} : errorsOf(whole.error);
  if (!draft.host) errors.host = 'choose the host this runner works on';
  // A runner without its own user logs on as the host's user, with the host's password.
  if (draft.password && !input.user)
    errors.password ??= "a password goes with the runner's own user: give the user, or leave both empty";
  if (!editing && takenIds.includes(input.id as string))
    errors.id ??= `a runner "${String(input.id)}" already exists`;
  return errors;
}
