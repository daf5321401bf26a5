import type { UseFormReturnType } from '@mantine/form';
import type { HostDraft, StoredSecrets } from './wizard-model.js';

/** The wizard's form (@mantine/form): the draft's values, their inputs, errors and touched state. */
export type HostForm = UseFormReturnType<HostDraft>;

/** What each step gets: the form, whether a stored host is edited, and which secrets it already has. */
export interface StepProps {
  form: HostForm;
  editing: boolean;
  stored: StoredSecrets;
}

/** Input ids are derived from the field path, so errors can move focus to the field. */
export function inputId(path: string): string {
  return `host-${path.replace(/\./g, '-')}`;
}

/** An input bound to a draft field by its path (the same path the schema's issues use). */
export function fieldProps(form: HostForm, path: string) {
  return { id: inputId(path), ...form.getInputProps(path) };
}
