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
  const rows: [string, string][] = [
    ['Kind', protocolChoices.find((c) => c.value === draft.protocol)?.label ?? draft.protocol],
    ['Host id', draft.id],
    ['Address', draft.address],
    ['Parallel sessions', String(draft.maxSessions)],
    ['Session user', `${draft.domain ? `${draft.domain}\\` : ''}${draft.user}`],
    ['Password', secret(draft.password, stored.password)],
  ];
  if (draft.protocol === 'aws-ec2')
    rows.push(
      ['Instance', `${draft.aws.instanceId}${draft.aws.region ? ` in ${draft.aws.region}` : ''}`],
      ['AWS credentials', draft.aws.credentials],
    );
  if (draft.protocol === 'aws-ec2' && draft.aws.credentials === 'keychain')
    rows.push(['AWS secret access key', secret(draft.aws.secretAccessKey, stored.secretAccessKey)]);
  if (draft.protocol === 'azure-vm')
    rows.push(
      ['VM', `${draft.azure.vmName} in ${draft.azure.resourceGroup}`],
      ['Azure identity', draft.azure.auth],
    );
  if (draft.protocol === 'azure-vm' && draft.azure.auth === 'client-secret')
    rows.push(['Azure client secret', secret(draft.azure.clientSecret, stored.clientSecret)]);
  rows.push([
    'New runners',
    draft.runners.map((r) => `${r.id} (${r.width}×${r.height})`).join(', ') || 'none',
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
