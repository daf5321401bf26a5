import { Alert, Badge, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import type { HostReply } from '../../../src-main/api/config-schemas.js';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';
import { href } from '../../lib/route.js';
import { useLoad } from '../../lib/use-load.js';
import { HostWizard } from '../host-wizard/HostWizard.js';
import { protocolLabel } from '../overview/stages.js';

/** The configured hosts; `#/hosts/new` and `#/hosts/edit/<id>` open the wizard. */
export function HostsView({ rest }: { rest: string[] }) {
  const [sub, id] = rest;
  if (sub === 'new') return <HostWizard key="new" />;
  if (sub === 'edit' && id) return <HostWizard key={`edit-${id}`} editId={id} />;
  return <HostList />;
}

function HostList() {
  const api = useApi();
  const { data: hosts, error, loading, reload } = useLoad(() => api.listHosts(), [api]);
  const [removing, setRemoving] = useState<HostReply>();
  const [removeError, setRemoveError] = useState<string>();
  const [busy, setBusy] = useState(false);

  const remove = async () => {
    if (!removing) return;
    setBusy(true);
    try {
      await api.removeHost({ id: removing.id });
      setRemoving(undefined);
      await reload();
    } catch (e) {
      setRemoveError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Hosts</Title>
        <Button component="a" href={href('hosts', 'new')}>
          Add host
        </Button>
      </Group>
      {error && (
        <Alert color="red" title="Could not load the hosts">
          {error}
        </Alert>
      )}
      {loading && !hosts ? (
        <Loader aria-label="Loading hosts" />
      ) : hosts?.length === 0 ? (
        <Text>No host yet: add one to let Session Manager power it and open its sessions.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped highlightOnHover aria-label="Hosts">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Host</Table.Th>
                <Table.Th>Kind</Table.Th>
                <Table.Th>Address</Table.Th>
                <Table.Th>Session user</Table.Th>
                <Table.Th>Sessions</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {hosts?.map((host) => (
                <Table.Tr key={host.id} data-testid={`host-row-${host.id}`}>
                  <Table.Td>
                    <Text fw={500}>{host.name || host.id}</Text>
                    <Text size="xs" c="dimmed">
                      {host.id}
                    </Text>
                  </Table.Td>
                  <Table.Td>
                    <Badge variant="default">{protocolLabel[host.protocol]}</Badge>
                  </Table.Td>
                  <Table.Td>{host.address}</Table.Td>
                  <Table.Td>
                    {host.domain ? `${host.domain}\\` : ''}
                    {host.user}{' '}
                    <Badge size="xs" color={host.hasPassword ? 'green' : 'red'} variant="dot">
                      {host.hasPassword ? 'password stored' : 'no password'}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{host.maxSessions}</Table.Td>
                  <Table.Td>
                    <Group gap="xs" wrap="nowrap">
                      <Button size="xs" variant="default" component="a" href={href('hosts', 'edit', host.id)}>
                        Edit<span className="sr-only"> {host.id}</span>
                      </Button>
                      <Button size="xs" variant="subtle" color="red" onClick={() => setRemoving(host)}>
                        Remove<span className="sr-only"> {host.id}</span>
                      </Button>
                    </Group>
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={removing !== undefined}
        onClose={() => {
          setRemoving(undefined);
          setRemoveError(undefined);
        }}
        title={`Remove host ${removing?.id ?? ''}?`}
      >
        <Stack>
          <Text size="sm">
            Session Manager stops managing it and forgets its stored password. The machine itself is left as
            it is. A host with runners attached cannot be removed: release them first.
          </Text>
          {removeError && (
            <Alert color="red" role="alert">
              {removeError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setRemoving(undefined)}>
              Cancel
            </Button>
            <Button color="red" loading={busy} onClick={remove}>
              Remove
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
