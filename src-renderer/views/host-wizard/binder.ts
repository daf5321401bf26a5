import type { HostDraft } from './wizard-model.js';

/** What each step gets to read and change the draft, and to show each field's error. */
export interface Binder {
  draft: HostDraft;
  editing: boolean;
  stored: { password: boolean; secretAccessKey: boolean; clientSecret: boolean };
  update(change: (draft: HostDraft) => void): void;
  /** The field's shown error (after a blur or a "Next"). */
  error(path: string): string | undefined;
  /** The field lost focus: check it now. */
  touch(path: string): void;
}

/** Input ids are derived from the field path, so errors can move focus to the field. */
export function inputId(path: string): string {
  return `host-${path.replace(/\./g, '-')}`;
}

function getPath(target: unknown, path: string): unknown {
  return path
    .split('.')
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], target);
}

export function setPath(target: object, path: string, value: unknown): void {
  const keys = path.split('.');
  const last = keys.pop()!;
  const holder = keys.reduce<Record<string, unknown>>(
    (at, key) => at[key] as Record<string, unknown>,
    target as Record<string, unknown>,
  );
  holder[last] = value;
}

/** A text input bound to a draft field by its path (the same path the schema's issues use). */
export function textProps(bind: Binder, path: string) {
  return {
    id: inputId(path),
    value: String(getPath(bind.draft, path) ?? ''),
    onChange: (event: { currentTarget: { value: string } }) => {
      const value = event.currentTarget.value;
      bind.update((draft) => setPath(draft, path, value));
    },
    onBlur: () => bind.touch(path),
    error: bind.error(path),
  };
}
