import { Group, Radio, Stack, Text } from '@mantine/core';
import type { Binder } from './binder.js';
import { protocolChoices, type Protocol } from './wizard-model.js';

export function ProtocolStep({ bind }: { bind: Binder }) {
  return (
    <Radio.Group
      value={bind.draft.protocol}
      onChange={(value) => bind.update((d) => void (d.protocol = value as Protocol))}
      label="What kind of host is it?"
      description="This decides how Session Manager powers it on and off."
    >
      <Stack gap="sm" mt="sm">
        {protocolChoices.map((choice) => (
          <Radio.Card
            key={choice.value}
            value={choice.value}
            radius="md"
            p="md"
            data-testid={`protocol-${choice.value}`}
          >
            <Group wrap="nowrap" align="flex-start">
              <Radio.Indicator />
              <div>
                <Text fw={600}>{choice.label}</Text>
                <Text size="sm" c="dimmed">
                  {choice.needs}
                </Text>
              </div>
            </Group>
          </Radio.Card>
        ))}
      </Stack>
    </Radio.Group>
  );
}
