import { NumberInput, Select, SimpleGrid, Stack, TextInput } from '@mantine/core';
import { fieldProps, type StepProps } from './host-form.js';

export function ConnectionStep({ form, editing }: StepProps) {
  const draft = form.values;
  return (
    <Stack gap="sm">
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="Host id"
          description="A short name for the config and the CLI, e.g. bot-01. It cannot change later."
          required
          disabled={editing}
          {...fieldProps(form, 'id')}
        />
        <TextInput label="Display name" description="Optional." {...fieldProps(form, 'name')} />
      </SimpleGrid>
      <SimpleGrid cols={{ base: 1, sm: 2 }}>
        <TextInput
          label="RDP address"
          description="Host name or IP address, with :port when not 3389."
          required
          {...fieldProps(form, 'address')}
        />
        <NumberInput
          label="Parallel sessions"
          description="1 on desktop Windows; more on a server with Remote Desktop Services."
          min={1}
          max={1000}
          allowDecimal={false}
          {...fieldProps(form, 'maxSessions')}
        />
      </SimpleGrid>
      {draft.protocol !== 'rdp' && (
        <NumberInput
          label="Price per hour"
          description="Optional, for the cost report: the cloud's on-demand price of this size with Windows, in the config's currency (USD unless history.currency says otherwise)."
          min={0}
          decimalScale={4}
          {...fieldProps(form, 'hourlyPrice')}
        />
      )}
      {draft.protocol === 'aws-ec2' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Instance id"
            required
            description="Tag it session-manager:host=true: the sample IAM policy starts only tagged instances."
            placeholder="i-0123456789abcdef0"
            {...fieldProps(form, 'aws.instanceId')}
          />
          <TextInput
            label="Region"
            description="Empty: the credentials' default region."
            placeholder="eu-west-1"
            {...fieldProps(form, 'aws.region')}
          />
          <Select
            label="Connect to"
            description="Which address RDP uses once the instance runs."
            data={[
              { value: 'config', label: 'The address above' },
              { value: 'public', label: 'Its public IP' },
              { value: 'private', label: 'Its private IP' },
            ]}
            allowDeselect={false}
            {...fieldProps(form, 'aws.addressFrom')}
          />
        </SimpleGrid>
      )}
      {draft.protocol === 'azure-vm' && (
        <SimpleGrid cols={{ base: 1, sm: 3 }}>
          <TextInput
            label="Subscription id"
            required
            placeholder="00000000-0000-0000-0000-000000000000"
            {...fieldProps(form, 'azure.subscriptionId')}
          />
          <TextInput label="Resource group" required {...fieldProps(form, 'azure.resourceGroup')} />
          <TextInput
            label="VM name"
            required
            description="The identity Session Manager uses needs its role on this resource group (docs/clouds.md)."
            {...fieldProps(form, 'azure.vmName')}
          />
        </SimpleGrid>
      )}
    </Stack>
  );
}
