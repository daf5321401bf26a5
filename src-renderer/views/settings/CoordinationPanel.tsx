import { NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { settingsPatchSchema, type SettingsReply } from '../../../src-main/api/config-schemas.js';
import { issueAt, patchAt, type FieldErrors } from '../../lib/validation.js';
import { KeptSecretInput } from './KeptSecretInput.js';
import { SectionFooter } from './SectionFooter.js';
import { useSectionSave } from './use-section-save.js';

/**
 * Several instances sharing one fleet through PostgreSQL (docs/scale-out.md): the database's URL and
 * lease time; its password goes to the keychain. Taken up when each instance starts again.
 */
export function CoordinationPanel({
  settings,
  onSaved,
}: {
  settings: SettingsReply;
  onSaved(s: SettingsReply): void;
}) {
  const current = settings.coordination;
  const [url, setUrl] = useState(current?.postgres.url ?? '');
  const [password, setPassword] = useState('');
  const [leaseSeconds, setLeaseSeconds] = useState<number>(current?.leaseSeconds ?? 10);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { save, saving, problem, saved, apiErrors } = useSectionSave(onSaved);

  const check = (): FieldErrors => {
    const found: FieldErrors = {};
    const at = (path: string[], value: unknown) => {
      const message = issueAt(settingsPatchSchema, patchAt(['coordination', ...path], value), [
        'coordination',
        ...path,
      ]);
      if (message) found[path.join('.')] = message;
    };
    at(['postgres', 'url'], url.trim());
    at(['leaseSeconds'], leaseSeconds);
    if (password) at(['postgres', 'password'], password);
    else if (!current?.postgres.hasPassword) found['postgres.password'] = 'the database password is needed';
    return found;
  };

  const submit = () => {
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return;
    void save({
      coordination: {
        postgres: { url: url.trim(), ...(password ? { password } : {}) },
        leaseSeconds,
      },
    });
    setPassword('');
  };
  const error = (field: string) => errors[field] ?? apiErrors[`coordination.${field}`];

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="coordination-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="coordination-title">
          Shared fleet
        </Title>
        <Text size="sm" c="dimmed">
          Optional. Several Session Manager instances share the fleet through a PostgreSQL database: each host
          is held by one instance at a time, and another takes over within a lease if one stops. Use the same
          settings on every instance; each takes them up when it starts again.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="PostgreSQL URL"
            placeholder="postgres://sm@db.example.com:5432/session_manager"
            description="Without the password."
            value={url}
            onChange={(e) => setUrl(e.currentTarget.value)}
            error={error('postgres.url')}
          />
          <KeptSecretInput
            label="Database password"
            stored={current?.postgres.hasPassword ?? false}
            hint="Kept in the keychain."
            value={password}
            onChange={setPassword}
            error={error('postgres.password')}
          />
          <NumberInput
            label="Lease (seconds)"
            description="Default 10. A stopped instance's hosts are taken over after about this long."
            min={3}
            max={600}
            value={leaseSeconds}
            onChange={(v) => setLeaseSeconds(Number(v) || 0)}
            error={error('leaseSeconds')}
          />
        </SimpleGrid>
        <SectionFooter
          saving={saving}
          saved={saved}
          problem={problem}
          onSave={submit}
          label="Save shared fleet"
        />
      </Stack>
    </Paper>
  );
}
