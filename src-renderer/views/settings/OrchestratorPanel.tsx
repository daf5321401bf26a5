import { NumberInput, Paper, SimpleGrid, Stack, Text, TextInput, Title } from '@mantine/core';
import { useState } from 'react';
import { settingsPatchSchema, type SettingsReply } from '../../../src-main/api/config-schemas.js';
import { issueAt, patchAt, type FieldErrors } from '../../lib/validation.js';
import { KeptSecretInput } from './KeptSecretInput.js';
import { SectionFooter } from './SectionFooter.js';
import { useSectionSave } from './use-section-save.js';

/** Where tasks are read: the BotCity server, workspace login and key (the key goes to the keychain). */
export function OrchestratorPanel({
  settings,
  onSaved,
}: {
  settings: SettingsReply;
  onSaved(s: SettingsReply): void;
}) {
  const current = settings.orchestrator;
  const [server, setServer] = useState(current?.server ?? '');
  const [login, setLogin] = useState(current?.login ?? '');
  const [key, setKey] = useState('');
  const [pollSeconds, setPollSeconds] = useState<number>(current?.pollSeconds ?? 15);
  const [errors, setErrors] = useState<FieldErrors>({});
  const { save, saving, problem, saved, apiErrors } = useSectionSave(onSaved);

  const check = (): FieldErrors => {
    const found: FieldErrors = {};
    const at = (field: string, value: unknown) => {
      const message = issueAt(settingsPatchSchema, patchAt(['orchestrator', field], value), [
        'orchestrator',
        field,
      ]);
      if (message) found[field] = message;
    };
    at('server', server.trim());
    at('login', login.trim());
    at('pollSeconds', pollSeconds);
    if (key) at('key', key);
    else if (!current?.hasKey) found.key = 'the workspace key is needed';
    return found;
  };

  const submit = () => {
    const found = check();
    setErrors(found);
    if (Object.keys(found).length) return;
    void save({
      orchestrator: {
        kind: 'botcity',
        server: server.trim(),
        login: login.trim(),
        pollSeconds,
        ...(key ? { key } : {}),
      },
    });
    setKey('');
  };
  const error = (field: string) => errors[field] ?? apiErrors[`orchestrator.${field}`];

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="orchestrator-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="orchestrator-title">
          Orchestrator
        </Title>
        <Text size="sm" c="dimmed">
          BotCity Maestro: where Session Manager reads each runner's queued and running tasks.
        </Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <TextInput
            label="Server"
            placeholder="https://developers.botcity.dev"
            value={server}
            onChange={(e) => setServer(e.currentTarget.value)}
            error={error('server')}
          />
          <TextInput
            label="Workspace login"
            value={login}
            onChange={(e) => setLogin(e.currentTarget.value)}
            error={error('login')}
          />
          <KeptSecretInput
            label="Workspace key"
            stored={current?.hasKey ?? false}
            hint="Kept in the keychain."
            value={key}
            onChange={setKey}
            error={error('key')}
          />
          <NumberInput
            label="Poll every (seconds)"
            description="Default 15. How often the task queue is read."
            min={1}
            max={3600}
            value={pollSeconds}
            onChange={(v) => setPollSeconds(Number(v) || 0)}
            error={error('pollSeconds')}
          />
        </SimpleGrid>
        <SectionFooter
          saving={saving}
          saved={saved}
          problem={problem}
          onSave={submit}
          label="Save orchestrator"
        />
      </Stack>
    </Paper>
  );
}
