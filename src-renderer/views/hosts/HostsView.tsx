import { Badge, Button, Group, Table, Text } from '@mantine/core';
import type { HostReply } from '../../../src-main/api/config-schemas.js';
import { useApi } from '../../api/ApiProvider.js';
import { ConfigList, RemovalDialog, useRemoval } from '../../components/ConfigList.js';
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
  const removal = useRemoval(async (host: HostReply) => {
    await api.removeHost({ id: host.id });
    await reload();
  });

  return (
    <ConfigList
      title="Hosts"
      addLabel="Add host"
      addHref={href('hosts', 'new')}
      noun="hosts"
      items={hosts}
      error={error}
      loading={loading}
      empty="No host yet: add one to let Session Manager power it and open its sessions."
      removal={
        <RemovalDialog
          removal={removal}
          title={`Remove host ${removal.asked?.id ?? ''}?`}
          text="Session Manager stops managing it and forgets its stored password. The machine itself is left as it is. A host with runners attached cannot be removed: release them first."
          confirmLabel="Remove"
        />
      }
      table={(list) => (
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
              {list.map((host) => (
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
                      <Button size="xs" variant="subtle" color="red" onClick={() => removal.ask(host)}>
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
    />
  );
}
