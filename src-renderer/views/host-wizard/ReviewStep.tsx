import { Alert, Table, Text } from '@mantine/core';
import { protocolChoices, type HostDraft, type StoredSecrets } from './wizard-model.js';

/** What will be saved, secrets shown only as "will be stored" / "kept". */
export function ReviewStep({
  draft,
  stored,
  problem,
}: {
  draft: HostDraft;
  stored: StoredSecrets;
  problem?: string;
}) {
  const secret = (value: string, isStored: boolean) =>
    value ? 'will be stored in the keychain' : isStored ? 'kept as stored' : 'none';
  const addressFrom = { config: 'the address above', public: 'its public IP', private: 'its private IP' };
  const rows: [string, string][] = [
    ['Kind', protocolChoices.find((c) => c.value === draft.protocol)?.label ?? draft.protocol],
    ['Host id', draft.id],
    ['Display name', draft.name || 'none'],
    ['Address', draft.address],
    ['Parallel sessions', String(draft.maxSessions)],
    ...(draft.protocol !== 'rdp'
      ? ([
          ['Price per hour', draft.hourlyPrice === '' ? 'none (VM-hours only)' : String(draft.hourlyPrice)],
        ] as [string, string][])
      : []),
    ['Session user', `${draft.domain ? `${draft.domain}\\` : ''}${draft.user}`],
    [
      'Password',
      !draft.password && !stored.password
        ? 'none: power only (its runners use the console session)'
        : secret(draft.password, stored.password),
    ],
  ];
  if (draft.protocol === 'aws-ec2') {
    rows.push(
      ['Instance', draft.aws.instanceId],
      ['Region', draft.aws.region || "the credentials' default"],
      ['RDP connects to', addressFrom[draft.aws.addressFrom]],
      ['AWS credentials', draft.aws.credentials],
    );
    if (draft.aws.credentials === 'profile') rows.push(['AWS profile', draft.aws.profile]);
    if (draft.aws.credentials === 'keychain')
      rows.push(
        ['AWS access key id', draft.aws.accessKeyId],
        ['AWS secret access key', secret(draft.aws.secretAccessKey, stored.secretAccessKey)],
      );
  }
  if (draft.protocol === 'azure-vm') {
    rows.push(
      ['Subscription', draft.azure.subscriptionId],
      ['Resource group', draft.azure.resourceGroup],
      ['VM', draft.azure.vmName],
      ['Azure identity', draft.azure.auth],
    );
    if (draft.azure.auth === 'client-secret')
      rows.push(
        ['Tenant', draft.azure.tenantId],
        ['Client id', draft.azure.clientId],
        ['Azure client secret', secret(draft.azure.clientSecret, stored.clientSecret)],
      );
  }
  rows.push([
    'New runners',
    draft.runners
      .map((r) => `${r.id} (${r.sessionMode === 'rdp' ? 'RDP session' : 'console'}, ${r.width}×${r.height})`)
      .join(', ') || 'none',
  ]);
  return (
    <>
      <Table aria-label="Summary" withRowBorders={false} verticalSpacing={4}>
        <Table.Tbody>
          {rows.map(([label, value]) => (
            <Table.Tr key={label}>
              <Table.Th w={180} scope="row">
                {label}
              </Table.Th>
              <Table.Td>
                <Text size="sm">{value}</Text>
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
      {problem && (
        <Alert color="red" title="Not saved" role="alert" mt="sm">
          {problem}
        </Alert>
      )}
    </>
  );
}
