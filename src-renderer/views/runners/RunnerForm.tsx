import {
  Alert,
  Button,
  Group,
  NumberInput,
  PasswordInput,
  Select,
  SimpleGrid,
  Stack,
  TagsInput,
  Text,
  TextInput,
  Title,
  Paper,
  Loader,
} from '@mantine/core';
import { useEffect, useState } from 'react';
import type { HostReply } from '../../../src-main/api/config-schemas.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorIssues, errorText } from '../../lib/errors.js';
import { navigate } from '../../lib/route.js';
import type { FieldErrors } from '../../lib/validation.js';
import {
  emptyRunner,
  runnerDraftOf,
  toRunnerInput,
  toRunnerPatch,
  validateRunner,
  type RunnerDraft,
} from './runner-model.js';

const sizes = ['1920x1080', '1600x900', '1366x768', '1280x1024', '1280x720'];

/** Attach a runner to a host, or edit one (`editId`). */
export function RunnerForm({ editId }: { editId?: string }) {
  const api = useApi();
  const editing = editId !== undefined;
  const [draft, setDraft] = useState<RunnerDraft>(() => emptyRunner());
  const [hosts, setHosts] = useState<HostReply[]>();
  const [takenIds, setTakenIds] = useState<string[]>([]);
  const [hasPassword, setHasPassword] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [problem, setProblem] = useState<string>();
  const [saving, setSaving] = useState(false);

  useEffect(() => {
    let cancelled = false;
    void (async () => {
      try {
        const [hostList, runners] = await Promise.all([api.listHosts(), api.listRunners()]);
        if (cancelled) return;
        setHosts(hostList);
        setTakenIds(runners.map((r) => r.id));
        const existing = runners.find((r) => r.id === editId);
        if (editId && !existing) throw new Error(`No runner "${editId}"`);
        if (existing) {
          setDraft(runnerDraftOf(existing));
          setHasPassword(existing.hasPassword);
        } else if (hostList.length === 1) setDraft(emptyRunner(hostList[0]!.id));
      } catch (error) {
        if (!cancelled) setProblem(errorText(error));
      }
    })();
    return () => {
      cancelled = true;
    };
  }, [api, editId]);

  const update = (change: Partial<RunnerDraft>, field?: string) => {
    const next = { ...draft, ...change };
    setDraft(next);
    const fields = field ? new Set(touched).add(field) : touched;
    if (field) setTouched(fields);
    const found = validateRunner(next, takenIds, editing);
    setErrors(Object.fromEntries(Object.entries(found).filter(([key]) => fields.has(key))));
  };
  const touch = (field: string) => update({}, field);
  const error = (field: string) => errors[field];

  const save = async () => {
    const found = validateRunner(draft, takenIds, editing);
    if (Object.keys(found).length) {
      setErrors(found);
      setTouched(new Set(Object.keys(found)));
      document.getElementById(`runner-${Object.keys(found)[0]}`)?.focus();
      return;
    }
    setSaving(true);
    setProblem(undefined);
    try {
      if (editing) await api.editRunner(toRunnerPatch(draft));
      else await api.attachRunner(toRunnerInput(draft));
      navigate('runners');
    } catch (e) {
      const issues = errorIssues(e);
      if (issues.length) setErrors(Object.fromEntries(issues.map((i) => [i.path, i.message])));
      setProblem(errorText(e));
    } finally {
      setSaving(false);
    }
  };

  if (!hosts && !problem) return <Loader aria-label="Loading" />;
  const size = `${draft.width}x${draft.height}`;
  return (
    <Stack gap="md">
      <Title order={2}>{editing ? `Edit runner ${editId}` : 'Attach a runner'}</Title>
      <Paper withBorder p="md" radius="md">
        <Stack gap="sm">
          <SimpleGrid cols={{ base: 1, sm: 2 }}>
            <TextInput
              id="runner-id"
              label="Runner (machine id)"
              description="The orchestrator's id for this runner (BotCity: its machine id)."
              required
              disabled={editing}
              value={draft.id}
              onChange={(e) => update({ id: e.currentTarget.value })}
              onBlur={() => touch('id')}
              error={error('id')}
            />
            <Select
              id="runner-host"
              label="Host"
              description="The machine its sessions run on."
              required
              data={(hosts ?? []).map((h) => ({ value: h.id, label: h.name ? `${h.name} (${h.id})` : h.id }))}
              value={draft.host || null}
              onChange={(value) => update({ host: value ?? '' }, 'host')}
              error={error('host')}
              nothingFoundMessage="No host yet: add one first"
            />
          </SimpleGrid>
          <Select
            id="runner-sessionMode"
            label="Session"
            description="Own RDP session: Session Manager opens and keeps a session for the runner's user. Console: the host logs its console user in by itself (autologon); only power is managed."
            allowDeselect={false}
            data={[
              { value: 'rdp', label: 'Own RDP session' },
              { value: 'console', label: 'Console (autologon)' },
            ]}
            value={draft.sessionMode}
            onChange={(value) => update({ sessionMode: (value ?? 'rdp') as 'rdp' | 'console' })}
          />
          <Text size="sm" c="dimmed">
            The runner's own Windows user, when it is not the host's session user (leave empty to use the
            host's).
          </Text>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <TextInput
              id="runner-user"
              label="User"
              autoComplete="off"
              value={draft.user}
              onChange={(e) => update({ user: e.currentTarget.value })}
              onBlur={() => touch('user')}
              error={error('user')}
            />
            <TextInput
              id="runner-domain"
              label="Domain"
              value={draft.domain}
              onChange={(e) => update({ domain: e.currentTarget.value })}
              onBlur={() => touch('domain')}
              error={error('domain')}
            />
            <PasswordInput
              id="runner-password"
              label="Password"
              autoComplete="new-password"
              description={hasPassword ? 'Stored in the keychain: leave empty to keep it.' : undefined}
              value={draft.password}
              onChange={(e) => update({ password: e.currentTarget.value })}
              onBlur={() => touch('password')}
              error={error('password')}
            />
          </SimpleGrid>
          <SimpleGrid cols={{ base: 1, sm: 3 }}>
            <Select
              id="runner-size"
              label="Screen size"
              description="What the bots were built for."
              data={[...new Set([...sizes, size])].map((s) => ({ value: s, label: s.replace('x', ' × ') }))}
              value={size}
              allowDeselect={false}
              onChange={(value) => {
                const [width, height] = (value ?? size).split('x').map(Number);
                update({ width: width!, height: height! });
              }}
            />
            <NumberInput
              id="runner-width"
              label="Width"
              min={640}
              max={8192}
              allowDecimal={false}
              value={draft.width}
              onChange={(v) => update({ width: Number(v) || 0 }, 'width')}
              error={error('width')}
            />
            <NumberInput
              id="runner-height"
              label="Height"
              min={480}
              max={8192}
              allowDecimal={false}
              value={draft.height}
              onChange={(v) => update({ height: Number(v) || 0 }, 'height')}
              error={error('height')}
            />
          </SimpleGrid>
          <TagsInput
            id="runner-activities"
            label="Activities"
            description="Optional: activity labels it runs (press Enter after each)."
            value={draft.activities}
            onChange={(activities) => update({ activities }, 'activities')}
            error={error('activities')}
          />
          {problem && (
            <Alert color="red" title="Not saved" role="alert">
              {problem}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" component="a" href="#/runners">
              Cancel
            </Button>
            <Button onClick={save} loading={saving}>
              {editing ? 'Save changes' : 'Attach runner'}
            </Button>
          </Group>
        </Stack>
      </Paper>
    </Stack>
  );
}
