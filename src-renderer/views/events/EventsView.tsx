import {
  Alert,
  Badge,
  Button,
  Group,
  Input,
  SegmentedControl,
  Select,
  Stack,
  Table,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { useMemo, useState } from 'react';
import { filterEvents, runnersOf } from '../../../src-main/core/event-filter.js';
import type { Severity } from '../../../src-main/core/events.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';
import { dateTime } from '../../lib/format.js';
import { useLive } from '../../store/live-store.js';
import { EventScreen } from './EventScreen.js';
import { emptyForm, idsOf, kindsOf, queryOf, type EventForm } from './filter-events.js';

/** The newest this many matches are shown (the export has every retained one). */
const SHOWN = 500;

const severityColor: Record<Severity, string> = { info: 'blue', warning: 'orange', error: 'red' };

/** Saves text as a file through a temporary link (the browser's own download). */
function saveFile(file: { filename: string; mediaType: string; text: string }): void {
  const url = URL.createObjectURL(new Blob([file.text], { type: file.mediaType }));
  const link = document.createElement('a');
  link.href = url;
  link.download = file.filename;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** What Session Manager decided and did, newest first, live from the event stream; searchable and exportable. */
export function EventsView() {
  const api = useApi();
  const events = useLive((store) => store.events);
  const state = useLive((store) => store.state);
  const [filter, setFilter] = useState<EventForm>(emptyForm);
  const [exporting, setExporting] = useState<'jsonl' | 'csv' | undefined>();
  const [exportError, setExportError] = useState<string | undefined>();
  const query = useMemo(() => queryOf(filter), [filter]);
  const shown = useMemo(() => filterEvents(events, query, SHOWN).reverse(), [events, query]);
  const kinds = useMemo(() => kindsOf(events), [events]);
  const download = async (format: 'jsonl' | 'csv') => {
    setExporting(format);
    setExportError(undefined);
    try {
      saveFile(await api.exportEvents({ ...query, format }));
    } catch (failure) {
      setExportError(errorText(failure));
    } finally {
      setExporting(undefined);
    }
  };
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
        <TextInput
          label="Search"
          placeholder="Words in the message, host, runner…"
          type="search"
          value={filter.text}
          onChange={(event) => setFilter({ ...filter, text: event.currentTarget.value })}
          w={260}
        />
        <Select
          label="Kind"
          placeholder="All kinds"
          clearable
          searchable
          data={kinds}
          value={filter.kind ?? null}
          onChange={(value) => setFilter({ ...filter, kind: value ?? undefined })}
          w={220}
        />
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
      <Group align="flex-end" gap="md">
        <TextInput
          label="From"
          type="datetime-local"
          value={filter.from}
          onChange={(event) => setFilter({ ...filter, from: event.currentTarget.value })}
          w={220}
        />
        <TextInput
          label="To"
          type="datetime-local"
          value={filter.to}
          onChange={(event) => setFilter({ ...filter, to: event.currentTarget.value })}
          w={220}
        />
        <Button variant="default" onClick={() => setFilter(emptyForm)}>
          Clear filters
        </Button>
        <Button variant="light" loading={exporting === 'jsonl'} onClick={() => void download('jsonl')}>
          Export JSON Lines
        </Button>
        <Button variant="light" loading={exporting === 'csv'} onClick={() => void download('csv')}>
          Export CSV
        </Button>
      </Group>
      {exportError && (
        <Alert color="red" title="The export failed" role="alert">
          {exportError}
        </Alert>
      )}
      <Text size="sm" c="dimmed" aria-live="polite">
        {shown.length} of {events.length} events shown
        {shown.length === SHOWN ? ` (the newest ${SHOWN}; the export has every match)` : ''}
      </Text>
      <Table.ScrollContainer minWidth={720}>
        <Table striped layout="fixed" aria-label="Events" data-testid="event-table">
          <Table.Thead>
            <Table.Tr>
              <Table.Th w={170}>Time</Table.Th>
              <Table.Th w={95}>Severity</Table.Th>
              <Table.Th w={150}>Kind</Table.Th>
              <Table.Th w={110}>Host</Table.Th>
              <Table.Th w={110}>Runners</Table.Th>
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
                <Table.Td>{runnersOf(event).join(', ')}</Table.Td>
                <Table.Td>
                  <Text size="sm">{event.message}</Text>
                  <EventScreen event={event} />
                </Table.Td>
              </Table.Tr>
            ))}
          </Table.Tbody>
        </Table>
      </Table.ScrollContainer>
    </Stack>
  );
}
