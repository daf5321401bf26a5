import { Badge, Group, SegmentedControl, Select, Stack, Table, Text, Title, Input } from '@mantine/core';
import { useMemo, useState } from 'react';
import type { Severity } from '../../../src-main/core/events.js';
import { dateTime } from '../../lib/format.js';
import { useLive } from '../../store/live-store.js';
import { filterEvents, idsOf, type EventFilter } from './filter-events.js';

const severityColor: Record<Severity, string> = { info: 'blue', warning: 'orange', error: 'red' };

/** What Session Manager decided and did, newest first, live from the event stream. */
export function EventsView() {
  const events = useLive((store) => store.events);
  const state = useLive((store) => store.state);
  const [filter, setFilter] = useState<EventFilter>({ severity: 'info' });
  const shown = useMemo(() => filterEvents(events, filter), [events, filter]);
  const hostIds = useMemo(
    () => idsOf(events, state?.hosts.map((h) => h.id) ?? [], 'hostId'),
    [events, state?.hosts],
  );
  const runnerIds = useMemo(
    () => idsOf(events, state?.runners.map((r) => r.id) ?? [], 'runnerId'),
    [events, state?.runners],
  );

  return (
    <Stack gap="md">
      <Title order={2}>Event log</Title>
      <Group align="flex-end" gap="md">
        <Select
          label="Host"
          placeholder="All hosts"
          clearable
          data={hostIds}
          value={filter.hostId ?? null}
          onChange={(value) => setFilter({ ...filter, hostId: value ?? undefined })}
          w={200}
        />
        <Select
          label="Runner"
          placeholder="All runners"
          clearable
          data={runnerIds}
          value={filter.runnerId ?? null}
          onChange={(value) => setFilter({ ...filter, runnerId: value ?? undefined })}
          w={200}
        />
        <Input.Wrapper label="Severity" id="severity-filter">
          <SegmentedControl
            display="flex"
            aria-labelledby="severity-filter-label"
            value={filter.severity}
            onChange={(value) => setFilter({ ...filter, severity: value as Severity })}
            data={[
              { value: 'info', label: 'All' },
              { value: 'warning', label: 'Warnings and errors' },
              { value: 'error', label: 'Errors' },
            ]}
          />
        </Input.Wrapper>
      </Group>
      <Text size="sm" c="dimmed" aria-live="polite">
        {shown.length} of {events.length} events shown
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table striped layout="fixed" aria-label="Events" data-testid="event-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170}>Time</Table.Th>
              <Table.Th w={95}>Severity</Table.Th>
              <Table.Th w={150}>Kind</Table.Th>
              <Table.Th w={110}>Host</Table.Th>
              <Table.Th w={110}>Runner</Table.Th>
              <Table.Th>Message</Table.Th>
            </Table.Tr>
          </Table.Thead>
          <Table.Tbody>
            {shown.map((event) => (
              <Table.Tr key={event.id} data-testid="event-row" data-kind={event.kind}>
                <Table.Td className="tabular">{dateTime(event.at)}</Table.Td>
                <Table.Td>
                  <Badge size="sm" variant="dot" color={severityColor[event.severity]}>
                    {event.severity}
                  </Badge>
                </Table.Td>
                <Table.Td>
                  <Text size="sm" truncate="end">
                    {event.kind}
                  </Text>
                </Table.Td>
                <Table.Td>{event.hostId ?? ''}</Table.Td>
                <Table.Td>{event.runnerId ?? ''}</Table.Td>
                <Table.Td>
                  <Text size="sm">{event.message}</Text>
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
