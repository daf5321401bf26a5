import { Input, PasswordInput, SegmentedControl, SimpleGrid, Stack, Text, TextInput } from '@mantine/core';
import { fieldProps, inputId, type StepProps } from './host-form.js';

const keptHint = 'Stored in the keychain: leave empty to keep it.';

/** Secrets typed here go to the service's keychain when saved and are never shown again. */
export function CredentialsStep({ form, stored }: StepProps) {
  const draft = form.values;
  return (
    <Stack gap="sm">
      <Text size="sm" c="dimmed">
        The Windows user whose desktop session the runners use (as in BotCity). Passwords and keys are kept in
        the OS keychain of the machine running Session Manager, and never shown again.
      </Text>
      <SimpleGrid cols={{ base: 1, sm: 3 }}>
        <TextInput label="Session user" required autoComplete="off" {...fieldProps(form, 'user')} />
        <TextInput
          label="Domain"
          description="Optional, e.g. CORP."
          autoComplete="off"
          {...fieldProps(form, 'domain')}
        />
        <PasswordInput
          label="Password"
          description={
            stored.password ? keptHint : 'Empty: power only (its runners use the console session).'
          }
          autoComplete="new-password"
          {...fieldProps(form, 'password')}
        />
      </SimpleGrid>

      {draft.protocol === 'aws-ec2' && (
        <Stack gap="sm">
          <Input.Wrapper
            id={inputId('aws.credentials')}
            label="AWS credentials"
            description={
              draft.aws.credentials === 'default'
                ? 'The default chain: environment, shared files, SSO, or the instance role of the machine running Session Manager.'
                : draft.aws.credentials === 'profile'
                  ? 'A named profile from the shared AWS config and credentials files.'
                  : 'An access key kept in the keychain (prefer a role or profile when you can).'
            }
          >
            <SegmentedControl
              mt={4}
              aria-labelledby={`${inputId('aws.credentials')}-label`}
              value={draft.aws.credentials}
              onChange={(value) =>
                form.setFieldValue('aws.credentials', value as typeof draft.aws.credentials)
              }
              data={[
                { value: 'default', label: 'Default chain' },
                { value: 'profile', label: 'Profile' },
                { value: 'keychain', label: 'Access key' },
              ]}
            />
          </Input.Wrapper>
          {draft.aws.credentials === 'profile' && (
            <TextInput label="Profile name" required {...fieldProps(form, 'aws.profile')} />
          )}
          {draft.aws.credentials === 'keychain' && (
            <SimpleGrid cols={{ base: 1, sm: 2 }}>
              <TextInput
                label="Access key id"
                required
                autoComplete="off"
                {...fieldProps(form, 'aws.accessKeyId')}
              />
              <PasswordInput
                label="Secret access key"
                required={!stored.secretAccessKey}
                description={stored.secretAccessKey ? keptHint : undefined}
                autoComplete="new-password"
                {...fieldProps(form, 'aws.secretAccessKey')}
              />
            </SimpleGrid>
          )}
        </Stack>
      )}

      {draft.protocol === 'azure-vm' && (
        <Stack gap="sm">
          <Input.Wrapper
            id={inputId('azure.auth')}
            label="Azure identity"
            description={
              draft.azure.auth === 'default'
                ? 'DefaultAzureCredential: environment, workload or managed identity, Azure CLI login.'
                : draft.azure.auth === 'managed-identity'
                  ? 'The managed identity of the machine running Session Manager.'
                  : 'An app registration with a client secret kept in the keychain.'
            }
          >
            <SegmentedControl
              mt={4}
              aria-labelledby={`${inputId('azure.auth')}-label`}
              value={draft.azure.auth}
              onChange={(value) => form.setFieldValue('azure.auth', value as typeof draft.azure.auth)}
              data={[
                { value: 'default', label: 'Default chain' },
                { value: 'managed-identity', label: 'Managed identity' },
                { value: 'client-secret', label: 'Client secret' },
              ]}
            />
          </Input.Wrapper>
          {draft.azure.auth === 'client-secret' && (
            <SimpleGrid cols={{ base: 1, sm: 3 }}>
              <TextInput
                label="Tenant"
                required
                description="Its id (a GUID) or its domain, e.g. contoso.onmicrosoft.com."
                {...fieldProps(form, 'azure.tenantId')}
              />
              <TextInput label="Client id" required {...fieldProps(form, 'azure.clientId')} />
              <PasswordInput
                label="Client secret"
                required={!stored.clientSecret}
                description={stored.clientSecret ? keptHint : undefined}
                autoComplete="new-password"
                {...fieldProps(form, 'azure.clientSecret')}
              />
            </SimpleGrid>
          )}
        </Stack>
      )}
    </Stack>
  );
}
