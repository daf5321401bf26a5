import { PasswordInput } from '@mantine/core';

/**
 * A write-only secret of the settings: sent to the service (it goes to the keychain), never shown
 * back; once one is stored, an empty field keeps it.
 */
export function KeptSecretInput({
  label,
  stored,
  hint,
  value,
  onChange,
  error,
}: {
  label: string;
  stored: boolean;
  /** Said while none is stored. */
  hint?: string;
  value: string;
  onChange(value: string): void;
  error?: string | undefined;
}) {
  return (
    <PasswordInput
      label={label}
      autoComplete="new-password"
      description={stored ? 'Stored in the keychain: leave empty to keep it.' : hint}
      value={value}
      onChange={(e) => onChange(e.currentTarget.value)}
      error={error}
    />
  );
}
