import { ActionIcon, Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { inputId, setPath, type Binder } from './binder.js';

/** Runners to attach to this host when it is saved (more can be attached later in Runners). */
export function RunnersStep({ bind, attached }: { bind: Binder; attached: string[] }) {
  const { draft } = bind;
  const number = (index: number, key: 'width' | 'height', label: string, min: number) => {
    const path = `runners.${index}.${key}`;
    return (
      <NumberInput
        id={inputId(path)}
        label={label}
        w={110}
        min={min}
        max={8192}
        allowDecimal={false}
        value={draft.runners[index]![key]}
        onChange={(value) =>
          bind.update((d) => setPath(d, path, typeof value === 'number' ? value : Number(value) || 0))
        }
        onBlur={() => bind.touch(path)}
        error={bind.error(path)}
      />
    );
  };

  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        A runner is the orchestrator's agent (in BotCity, the runner's machine id). Session Manager opens a
        session for it at the screen size its bots were built for. You can skip this and attach runners later.
      </Text>
      {attached.length > 0 && <Text size="sm">Already attached: {attached.join(', ')}</Text>}
      {draft.runners.map((runner, index) => (
        <Group key={index} align="flex-start" gap="sm" data-testid={`wizard-runner-${index}`}>
          <TextInput
            id={inputId(`runners.${index}.id`)}
            label="Runner (machine id)"
            required
            value={runner.id}
            onChange={(event) => {
              const value = event.currentTarget.value;
              bind.update((d) => void (d.runners[index]!.id = value));
            }}
            onBlur={() => bind.touch(`runners.${index}.id`)}
            error={bind.error(`runners.${index}.id`)}
          />
          <Select
            id={inputId(`runners.${index}.sessionMode`)}
            label="Session"
            w={190}
            allowDeselect={false}
            data={[
              { value: 'rdp', label: 'Own RDP session' },
              { value: 'console', label: 'Console (autologon)' },
            ]}
            value={runner.sessionMode}
            onChange={(value) =>
              bind.update((d) => void (d.runners[index]!.sessionMode = (value ?? 'rdp') as 'rdp' | 'console'))
            }
          />
          {number(index, 'width', 'Width', 640)}
          {number(index, 'height', 'Height', 480)}
          <ActionIcon
            mt={26}
            variant="subtle"
            color="red"
            size="lg"
            aria-label={`Remove runner ${runner.id || index + 1}`}
            onClick={() => bind.update((d) => void d.runners.splice(index, 1))}
          >
            <span aria-hidden="true">✕</span>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="default"
          onClick={() =>
            bind.update((d) => void d.runners.push({ id: '', sessionMode: 'rdp', width: 1920, height: 1080 }))
          }
        >
          Add a runner
        </Button>
      </Group>
    </Stack>
  );
}
