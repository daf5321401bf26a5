import { Badge, Card, Group, Progress, Stack, Table, Text, Tooltip } from '@mantine/core';
import type { HostView, ManagerState } from '../../../src-main/core/state.js';
import { duration, plural } from '../../lib/format.js';
import { RetryButton } from './RetryButton.js';
import { bootStages, powerColor, protocolLabel, stageProgress } from './stages.js';

/**
 * One host at a glance. Every line is always rendered (with "—" when empty) so live updates never
 * move the cards around.
 */
/** The cloud error's kind as a card says it. */
const cloudErrorTitle: Record<NonNullable<HostView['cloudError']>['kind'], string> = {
  auth: 'Credentials refused',
  permission: 'Not allowed',
  'not-found': 'Not found',
  throttled: 'Throttled',
  unreachable: 'Cloud unreachable',
  timeout: 'Cloud timed out',
  capacity: 'No capacity',
  'incorrect-state': 'Between states',
  'not-managed': 'Not managed',
  other: 'Cloud error',
};

export function HostCard({ host, state, now }: { host: HostView; state: ManagerState; now: number }) {
  const progress = stageProgress(host);
  const runners = host.runners.map(
    (id) => state.runners.find((r) => r.id === id) ?? { id, queued: 0, running: 0 },
  );
  const sessions = state.sessions.filter((s) => s.hostId === host.id);
  const open = sessions.filter((s) => s.state === 'open').length;
  const titleId = `host-${host.id}-title`;
  // Several instances share the fleet: which one acts on this host.
  const holder = state.coordination?.holders[host.id];

  const elapsed =
    host.bootStartedAt === undefined
      ? host.hibernated && host.power === 'off'
        ? `hibernated${host.bootLeadMs ? `: resumes in about ${duration(host.bootLeadMs)}` : ''}`
        : '—'
      : progress.booting
        ? `booting for ${duration(now - host.bootStartedAt)}${host.bootLeadMs ? ` (usually ${duration(host.bootLeadMs)})` : ''}`
        : host.power === 'on'
          ? `on for ${duration(now - host.bootStartedAt)}`
          : '—';
  const idle =
    host.idleDeadline === undefined
      ? '—'
      : host.idleDeadline > now
        ? `powers off in ${duration(host.idleDeadline - now)} if still idle`
        : 'powering off: idle';

  return (
    <Card
      withBorder
      radius="md"
      padding="md"
      component="article"
      aria-labelledby={titleId}
      data-testid={`host-card-${host.id}`}
    >
      <Group justify="space-between" wrap="nowrap" mb="xs">
        <Stack gap={0} style={{ minWidth: 0 }}>
          <Text id={titleId} fw={600} truncate="end" component="h3" m={0} size="md">
            {host.name || host.id}
          </Text>
          <Text size="xs" c="dimmed" truncate="end">
            {host.id} · {host.address}
          </Text>
          {holder && (
            <Text size="xs" c="dimmed" truncate="end" data-testid="holder">
              {holder === state.coordination?.instanceId ? 'held by this instance' : `held by ${holder}`}
            </Text>
          )}
        </Stack>
        <Group gap={6} wrap="nowrap">
          <Badge variant="default">{protocolLabel[host.protocol]}</Badge>
          <Badge color={powerColor[host.power]} data-testid="power">
            {host.power}
          </Badge>
        </Group>
      </Group>

      <Group justify="space-between" mb={4}>
        <Text size="sm" fw={500} data-testid="stage">
          {progress.label}
          {progress.reached > 0 ? ` (${progress.reached} of ${bootStages.length})` : ''}
        </Text>
        <Text size="xs" c="dimmed" className="tabular" data-testid="elapsed">
          {elapsed}
        </Text>
      </Group>
      <Tooltip label={bootStages.map((s) => s.label).join(' → ')}>
        <Progress.Root
          size="lg"
          role="progressbar"
          aria-label={`Boot progress of ${host.name || host.id}`}
          aria-valuemin={0}
          aria-valuemax={bootStages.length}
          aria-valuenow={progress.reached}
          aria-valuetext={`${progress.label} (${progress.reached} of ${bootStages.length})`}
          data-testid="boot-progress"
        >
          {bootStages.map((s, index) => (
            <Progress.Section
              key={s.stage}
              withAria={false}
              value={100 / bootStages.length}
              color={index < progress.reached ? progress.color : 'gray.3'}
              animated={progress.booting && index === progress.reached - 1}
            />
          ))}
        </Progress.Root>
      </Tooltip>

      <Table mt="sm" verticalSpacing={2} fz="sm" layout="fixed" aria-label={`Runners of ${host.id}`}>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Runner</Table.Th>
            <Table.Th w={80} ta="right">
              Queued
            </Table.Th>
            <Table.Th w={80} ta="right">
              Running
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {runners.length === 0 ? (
            <Table.Tr>
              <Table.Td colSpan={3}>
                <Text size="sm" c="dimmed">
                  No runner attached
                </Text>
              </Table.Td>
            </Table.Tr>
          ) : (
            runners.map((runner) => (
              <Table.Tr key={runner.id} data-testid={`runner-row-${runner.id}`}>
                <Table.Td>
                  <Text size="sm" truncate="end">
                    {runner.id}
                    {'online' in runner && runner.online === false ? ' (offline)' : ''}
                  </Text>
                </Table.Td>
                <Table.Td className="tabular" ta="right" data-testid="queued">
                  {runner.queued}
                </Table.Td>
                <Table.Td className="tabular" ta="right" data-testid="running">
                  {runner.running}
                </Table.Td>
              </Table.Tr>
            ))
          )}
        </Table.Tbody>
      </Table>

      <Stack gap={2} mt="sm">
        <Text size="sm" data-testid="sessions">
          Sessions: {sessions.length === 0 ? 'none' : `${open} open of ${plural(sessions.length, 'session')}`}{' '}
          · at most {host.maxSessions}
        </Text>
        <Text size="sm" className="tabular" data-testid="idle">
          Idle: {idle}
        </Text>
        {/* Reasons and errors wrap: an operator reads them in full, at every width. */}
        <Text size="sm" c="dimmed" style={{ overflowWrap: 'anywhere' }} data-testid="reason">
          {host.reason ?? ' '}
        </Text>
        <Text
          size="sm"
          c={host.lastError ? 'red' : 'dimmed'}
          style={{ overflowWrap: 'anywhere' }}
          data-testid="last-error"
        >
          {host.lastError ? `Last error: ${host.lastError}` : 'No error'}
        </Text>
        {sessions
          .filter((s) => s.health && s.health.state !== 'ok')
          .map((s) => (
            <Text
              key={s.key}
              size="sm"
              c="orange"
              style={{ overflowWrap: 'anywhere' }}
              data-testid={`desktop-health-${s.key}`}
            >
              <b>
                Desktop of {s.user}: {s.health!.state}.
              </b>{' '}
              {s.health!.reason}
            </Text>
          ))}
        {host.cloudError && (
          <Text size="sm" style={{ overflowWrap: 'anywhere' }} data-testid="cloud-error-hint">
            <b>{cloudErrorTitle[host.cloudError.kind]}.</b> {host.cloudError.hint}
          </Text>
        )}
        {(host.failed || sessions.some((s) => s.blocked)) && (
          <Group justify="flex-end">
            <RetryButton hostId={host.id} />
          </Group>
        )}
      </Stack>
    </Card>
  );
}
