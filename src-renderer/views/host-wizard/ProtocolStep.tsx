import { Group, Radio, Stack, Text } from '@mantine/core';
import type { StepProps } from './host-form.js';
import { protocolChoices, type Protocol } from './wizard-model.js';

export function ProtocolStep({ form }: Pick<StepProps, 'form'>) {
  return (
    <Radio.Group
      value={form.values.protocol}
      onChange={(value) => form.setFieldValue('protocol', value as Protocol)}
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
