import {
  Alert,
  Button,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  Switch,
  TagsInput,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useState } from 'react';
import type { SettingsReply } from '../../../src-main/api/config-schemas.js';
import type { OperationOutput } from '../../../src-main/api/contract.js';
import { settingsPatchSchema } from '../../../src-main/api/config-schemas.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';
import { issueAt, optionalText, patchAt, type FieldErrors } from '../../lib/validation.js';
import { KeptSecretInput } from './KeptSecretInput.js';
import { SectionFooter } from './SectionFooter.js';
import { useSectionSave } from './use-section-save.js';

type Sink = 'email' | 'webhook' | 'orchestrator' | 'desktop';
type TestReply = OperationOutput<'sendTestNotification'>;

/** Where scale events and failures are announced, with a "send test" for each channel. */
export function NotificationsPanel({
  settings,
  onSaved,
}: {
  settings: SettingsReply;
  onSaved(s: SettingsReply): void;
}) {
  const api = useApi();
  const current = settings.notifications;
  const [desktop, setDesktop] = useState(current.desktop);
  const [orchestratorAlerts, setOrchestratorAlerts] = useState(current.orchestratorAlerts);
  const [webhookUrl, setWebhookUrl] = useState('');
  const [webhookFormat, setWebhookFormat] = useState<'json' | 'slack' | 'teams'>(
    current.webhook?.format ?? 'json',
  );
  const [email, setEmail] = useState({
    host: current.email?.host ?? '',
    port: current.email?.port ?? 587,
    security: current.email?.security ?? 'starttls',
    user: current.email?.user ?? '',
    password: '',
    from: current.email?.from ?? '',
    to: current.email?.to ?? [],
  });
  const [errors, setErrors] = useState<FieldErrors>({});
  const [testing, setTesting] = useState<Sink | 'all'>();
  const [testReply, setTestReply] = useState<TestReply>();
  const [testError, setTestError] = useState<string>();
  const { save, saving, problem, saved, apiErrors } = useSectionSave(onSaved);
  const emailWanted = email.host !== '' || email.from !== '' || email.to.length > 0;

  const submit = () => {
    const found: FieldErrors = {};
    const at = (path: string[], value: unknown) => {
      const at = ['notifications', ...path];
      const message = issueAt(settingsPatchSchema, patchAt(at, value), at);
      if (message) found[`notifications.${path.join('.')}`] = message;
    };
    const patch: Record<string, unknown> = { desktop, orchestratorAlerts };
    if (webhookUrl.trim()) {
      at(['webhook', 'url'], webhookUrl.trim());
      patch.webhook = { url: webhookUrl.trim(), format: webhookFormat };
    } else if (current.webhook) patch.webhook = { format: webhookFormat };
    if (emailWanted) {
      const value = {
        host: email.host.trim(),
        port: email.port,
        security: email.security,
        user: optionalText(email.user) ?? null,
        from: email.from.trim(),
        to: email.to,
        ...(email.password ? { password: email.password } : {}),
      };
      for (const key of ['host', 'port', 'from', 'to'] as const) at(['email', key], value[key]);
      patch.email = value;
    }
    setErrors(found);
    if (Object.keys(found).length) return;
    void save({ notifications: patch });
    setWebhookUrl('');
    setEmail({ ...email, password: '' });
  };

  const removeChannel = (sink: 'email' | 'webhook') => void save({ notifications: { [sink]: null } });

  const test = async (sink?: Sink) => {
    setTesting(sink ?? 'all');
    setTestError(undefined);
    setTestReply(undefined);
    try {
      setTestReply(await api.sendTestNotification(sink ? { sink } : {}));
    } catch (error) {
      setTestError(errorText(error));
    } finally {
      setTesting(undefined);
    }
  };
  const error = (path: string) => errors[`notifications.${path}`] ?? apiErrors[`notifications.${path}`];

  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="notifications-title">
      <Stack gap="sm">
        <Title order={3} size="h4" id="notifications-title">
          Notifications
        </Title>
        <Text size="sm" c="dimmed">
          Hosts starting and stopping, failures that need you, the orchestrator becoming unreachable.
        </Text>
        <Group>
          <Switch
            label="Desktop notifications (the app)"
            checked={desktop}
            onChange={(e) => setDesktop(e.currentTarget.checked)}
          />
          <Switch
            label="Alerts in the orchestrator"
            checked={orchestratorAlerts}
            onChange={(e) => setOrchestratorAlerts(e.currentTarget.checked)}
          />
        </Group>

        <Text fw={500}>Webhook</Text>
        <SimpleGrid cols={{ base: 1, sm: 2 }}>
          <PasswordInput
            label="Webhook URL"
            description={
              current.webhook
                ? `Stored in the keychain${current.webhook.target ? ` (${current.webhook.target})` : ''}: leave empty to keep it.`
                : 'A Slack, Teams or JSON endpoint. The URL is a credential: it is stored in the keychain.'
            }
            autoComplete="new-password"
            value={webhookUrl}
            onChange={(e) => setWebhookUrl(e.currentTarget.value)}
            error={error('webhook.url')}
          />
          <Select
            label="Format"
            allowDeselect={false}
            data={[
              { value: 'json', label: 'JSON' },
              { value: 'slack', label: 'Slack' },
              { value: 'teams', label: 'Microsoft Teams' },
            ]}
            value={webhookFormat}
            onChange={(v) => setWebhookFormat((v ?? 'json') as typeof webhookFormat)}
          />
        </SimpleGrid>

        <Text fw={500}>Email</Text>
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="SMTP server"
            value={email.host}
            onChange={(e) => setEmail({ ...email, host: e.currentTarget.value })}
            error={error('email.host')}
          />
          <NumberInput
            label="Port"
            min={1}
            max={65535}
            value={email.port}
            onChange={(v) => setEmail({ ...email, port: Number(v) })}
            error={error('email.port')}
          />
          <Select
            label="Security"
            allowDeselect={false}
            data={[
              { value: 'starttls', label: 'STARTTLS' },
              { value: 'tls', label: 'TLS' },
              { value: 'none', label: 'None' },
            ]}
            value={email.security}
            onChange={(v) => setEmail({ ...email, security: (v ?? 'starttls') as typeof email.security })}
          />
          <TextInput
            label="SMTP user"
            autoComplete="off"
            value={email.user}
            onChange={(e) => setEmail({ ...email, user: e.currentTarget.value })}
          />
          <KeptSecretInput
            label="SMTP password"
            stored={current.email?.hasPassword ?? false}
            value={email.password}
            onChange={(password) => setEmail({ ...email, password })}
          />
          <TextInput
            label="From"
            value={email.from}
            onChange={(e) => setEmail({ ...email, from: e.currentTarget.value })}
            error={error('email.from')}
          />
        </SimpleGrid>
        <TagsInput
          label="To"
          description="Press Enter after each address."
          value={email.to}
          onChange={(to) => setEmail({ ...email, to })}
          error={error('email.to')}
        />

        <SectionFooter
          saving={saving}
          saved={saved}
          problem={problem}
          onSave={submit}
          label="Save notifications"
        />

        <Group gap="xs">
          <Button variant="default" loading={testing === 'all'} onClick={() => test()}>
            Send test to all
          </Button>
          {current.webhook && (
            <Button variant="default" loading={testing === 'webhook'} onClick={() => test('webhook')}>
              Test webhook
            </Button>
          )}
          {current.email && (
            <Button variant="default" loading={testing === 'email'} onClick={() => test('email')}>
              Test email
            </Button>
          )}
          {current.webhook && (
            <Button variant="subtle" color="red" onClick={() => removeChannel('webhook')}>
              Remove webhook
            </Button>
          )}
          {current.email && (
            <Button variant="subtle" color="red" onClick={() => removeChannel('email')}>
              Remove email
            </Button>
          )}
        </Group>
        <div aria-live="polite" data-testid="notification-test-results">
          {testError && (
            <Alert color="red" title="The test could not run">
              {testError}
            </Alert>
          )}
          {testReply && (
            <Stack gap={4}>
              {testReply.results.length === 0 && <Text size="sm">No channel is configured.</Text>}
              {testReply.results.map((r) => (
                <Text key={r.sink} size="sm" c={r.ok ? undefined : 'red'}>
                  {r.ok ? '✓' : '✕'} {r.sink}: {r.ok ? 'sent' : `failed — ${r.error ?? 'no reason given'}`}
                </Text>
              ))}
            </Stack>
          )}
        </div>
      </Stack>
    </Paper>
  );
}
