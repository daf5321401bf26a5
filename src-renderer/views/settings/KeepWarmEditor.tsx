import { ActionIcon, Button, Chip, Group, MultiSelect, Paper, Stack, Text, TextInput } from '@mantine/core';
import type { KeepWarmWindow } from '../../../src-main/config/schema.js';
import { weekdays } from '../../../src-main/config/schema.js';
import type { FieldErrors } from '../../lib/validation.js';

const dayLabel: Record<(typeof weekdays)[number], string> = {
  mon: 'Mon',
  tue: 'Tue',
  wed: 'Wed',
  thu: 'Thu',
  fri: 'Fri',
  sat: 'Sat',
  sun: 'Sun',
};

function defaultWindow(): KeepWarmWindow {
  return {
    days: ['mon', 'tue', 'wed', 'thu', 'fri'],
    from: '08:00',
    to: '18:00',
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
  };
}

/** Keep-warm windows: hosts stay on (ready for work) during these hours, whatever the queue says. */
export function KeepWarmEditor(props: {
  windows: KeepWarmWindow[];
  hostIds: string[];
  errors: FieldErrors;
  onChange(windows: KeepWarmWindow[]): void;
}) {
  const set = (index: number, change: Partial<KeepWarmWindow>) =>
    props.onChange(props.windows.map((w, i) => (i === index ? { ...w, ...change } : w)));
  const error = (index: number, field: string) => props.errors[`policy.keepWarm.${index}.${field}`];

  return (
    <Stack gap="sm">
      <Text fw={500}>Keep-warm windows</Text>
      <Text size="sm" c="dimmed">
        During a window, its hosts (all hosts when none is chosen) stay on and ready even without queued work.
      </Text>
      {props.windows.map((window, index) => (
        <Paper key={index} withBorder p="sm" radius="sm" data-testid={`keep-warm-${index}`}>
          <Stack gap="xs">
            <Chip.Group
              multiple
              value={window.days}
              onChange={(days) => set(index, { days: days as KeepWarmWindow['days'] })}
            >
              <Group gap={6} role="group" aria-label={`Days of window ${index + 1}`}>
                {weekdays.map((day) => (
                  <Chip key={day} value={day} size="xs">
                    {dayLabel[day]}
                  </Chip>
                ))}
              </Group>
            </Chip.Group>
            {error(index, 'days') && (
              <Text size="xs" c="red">
                Days: {error(index, 'days')}
              </Text>
            )}
            <Group align="flex-start" gap="sm">
              <TextInput
                label="From"
                w={90}
                value={window.from}
                onChange={(e) => set(index, { from: e.currentTarget.value })}
                error={error(index, 'from')}
              />
              <TextInput
                label="To"
                w={90}
                value={window.to}
                onChange={(e) => set(index, { to: e.currentTarget.value })}
                error={error(index, 'to')}
              />
              <TextInput
                label="Time zone"
                w={180}
                value={window.timeZone}
                onChange={(e) => set(index, { timeZone: e.currentTarget.value })}
                error={error(index, 'timeZone')}
              />
              <MultiSelect
                label="Hosts"
                placeholder={window.hosts?.length ? undefined : 'All hosts'}
                data={props.hostIds}
                value={window.hosts ?? []}
                onChange={(hosts) => set(index, { hosts: hosts.length ? hosts : undefined })}
                w={240}
              />
              <ActionIcon
                mt={26}
                variant="subtle"
                color="red"
                size="lg"
                aria-label={`Remove keep-warm window ${index + 1}`}
                onClick={() => props.onChange(props.windows.filter((_, i) => i !== index))}
              >
                <span aria-hidden="true">✕</span>
              </ActionIcon>
            </Group>
          </Stack>
        </Paper>
      ))}
      <Group>
        <Button variant="default" onClick={() => props.onChange([...props.windows, defaultWindow()])}>
          Add a window
        </Button>
      </Group>
    </Stack>
  );
}
