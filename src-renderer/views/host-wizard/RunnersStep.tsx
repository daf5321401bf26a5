import { ActionIcon, Button, Group, NumberInput, Select, Stack, Text, TextInput } from '@mantine/core';
import { fieldProps, type StepProps } from './host-form.js';

/** Runners to attach to this host when it is saved (more can be attached later in Runners). */
export function RunnersStep({ form, attached }: Pick<StepProps, 'form'> & { attached: string[] }) {
  const draft = form.values;
  const number = (index: number, key: 'width' | 'height', label: string, min: number) => {
    const path = `runners.${index}.${key}`;
    return (
      <NumberInput
        label={label}
        w={110}
        min={min}
        max={8192}
        allowDecimal={false}
        {...fieldProps(form, path)}
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
          <TextInput label="Runner (machine id)" required {...fieldProps(form, `runners.${index}.id`)} />
          <Select
            label="Session"
            w={190}
            allowDeselect={false}
            data={[
              { value: 'rdp', label: 'Own RDP session' },
              { value: 'console', label: 'Console (autologon)' },
            ]}
            {...fieldProps(form, `runners.${index}.sessionMode`)}
          />
          {number(index, 'width', 'Width', 640)}
          {number(index, 'height', 'Height', 480)}
          <ActionIcon
            mt={26}
            variant="subtle"
            color="red"
            size="lg"
            aria-label={`Remove runner ${runner.id || index + 1}`}
            onClick={() => form.removeListItem('runners', index)}
          >
            <span aria-hidden="true">✕</span>
          </ActionIcon>
        </Group>
      ))}
      <Group>
        <Button
          variant="default"
          onClick={() =>
            form.insertListItem('runners', { id: '', sessionMode: 'rdp', width: 1920, height: 1080 })
          }
        >
          Add a runner
        </Button>
      </Group>
    </Stack>
  );
}
