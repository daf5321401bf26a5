import { NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { inputId, textProps, type Binder } from './binder.js';

export function ConnectionStep({ bind }: { bind: Binder }) {
  const { draft } = bind;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Host id"
          description="A short name for the config and the CLI, e.g. bot-01. It cannot change later."
          required
          disabled={bind.editing}
          {...textProps(bind, 'id')}
        />
        <TextInput label="Display name" description="Optional." {...textProps(bind, 'name')} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="RDP address"
          description="Host name or IP address, with :port when not 3389."
          required
          {...textProps(bind, 'address')}
        />
        <NumberInput
          id={inputId('maxSessions')}
          label="Parallel sessions"
          description="1 on desktop Windows; more on a server with Remote Desktop Services."
          min={1}
          max={1000}
          allowDecimal={false}
          value={draft.maxSessions}
          onChange={(value) =>
            bind.update((d) => void (d.maxSessions = typeof value === 'number' ? value : Number(value) || 0))
          }
          onBlur={() => bind.touch('maxSessions')}
          error={bind.error('maxSessions')}
        />
      </SimpleGrid>
      {draft.protocol === 'aws-ec2' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Instance id"
            required
            placeholder="i-0123456789abcdef0"
            {...textProps(bind, 'aws.instanceId')}
          />
          <TextInput
            label="Region"
            description="Empty: the credentials' default region."
            placeholder="eu-west-1"
            {...textProps(bind, 'aws.region')}
          />
          <Select
            id={inputId('aws.addressFrom')}
            label="Connect to"
            description="Which address RDP uses once the instance runs."
            data={[
              { value: 'config', label: 'The address above' },
              { value: 'public', label: 'Its public IP' },
              { value: 'private', label: 'Its private IP' },
            ]}
            allowDeselect={false}
            value={draft.aws.addressFrom}
            onChange={(value) =>
              bind.update((d) => void (d.aws.addressFrom = (value ?? 'config') as typeof d.aws.addressFrom))
            }
          />
        </SimpleGrid>
      )}
      {draft.protocol === 'azure-vm' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Subscription id"
            required
            placeholder="00000000-0000-0000-0000-000000000000"
            {...textProps(bind, 'azure.subscriptionId')}
          />
          <TextInput label="Resource group" required {...textProps(bind, 'azure.resourceGroup')} />
          <TextInput label="VM name" required {...textProps(bind, 'azure.vmName')} />
        </SimpleGrid>
      )}
    </Stack>
  );
}
