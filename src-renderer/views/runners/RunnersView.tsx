import { Alert, Badge, Button, Group, Loader, Modal, Stack, Table, Text, Title } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { errorText } from '../../lib/errors.js';
import { href } from '../../lib/route.js';
import { useLoad } from '../../lib/use-load.js';
import { useLive } from '../../store/live-store.js';
import { RunnerForm } from './RunnerForm.js';

/** Attached runners with their live demand; `#/runners/new` and `#/runners/edit/<id>` open the form. */
export function RunnersView({ rest }: { rest: string[] }) {
  const [sub, id] = rest;
  if (sub === 'new') return <RunnerForm key="new" />;
  if (sub === 'edit' && id) return <RunnerForm key={`edit-${id}`} editId={id} />;
  return <RunnerList />;
}

function RunnerList() {
  const api = useApi();
  const { data: runners, error, loading, reload } = useLoad(() => api.listRunners(), [api]);
  const live = useLive((store) => store.state?.runners);
  const [releasing, setReleasing] = useState<string>();
  const [releaseError, setReleaseError] = useState<string>();

  const release = async () => {
    if (!releasing) return;
    try {
      await api.releaseRunner({ id: releasing });
      setReleasing(undefined);
      await reload();
    } catch (e) {
      setReleaseError(errorText(e));
    }
  };

  return (
    <Stack gap="md">
      <Group justify="space-between">
        <Title order={2}>Runners</Title>
        <Button component="a" href={href('runners', 'new')}>
          Attach runner
        </Button>
      </Group>
      {error && (
        <Alert color="red" title="Could not load the runners">
          {error}
        </Alert>
      )}
      {loading && !runners ? (
        <Loader aria-label="Loading runners" />
      ) : runners?.length === 0 ? (
        <Text>No runner attached yet.</Text>
      ) : (
        <Table.ScrollContainer minWidth={640}>
          <Table striped aria-label="Runners">
            <Table.Thead>
              <Table.Tr>
                <Table.Th>Runner</Table.Th>
                <Table.Th>Host</Table.Th>
                <Table.Th>Session</Table.Th>
                <Table.Th>Screen</Table.Th>
                <Table.Th>Queued</Table.Th>
                <Table.Th>Running</Table.Th>
                <Table.Th>Actions</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {runners?.map((runner) => {
                const view = live?.find((r) => r.id === runner.id);
                return (
                  <Table.Tr key={runner.id} data-testid={`runner-${runner.id}`}>
                    <Table.Td>
                      <Text fw={500}>{runner.id}</Text>
                      {view?.online === false && (
                        <Badge size="xs" color="gray">
                          offline
                        </Badge>
                      )}
                    </Table.Td>
                    <Table.Td>{runner.host}</Table.Td>
                    <Table.Td>
                      {runner.sessionMode === 'rdp' ? 'Own RDP session' : 'Console'}
                      {runner.user ? ` as ${runner.user}` : ''}
                    </Table.Td>
                    <Table.Td>
                      {runner.width} × {runner.height}
                    </Table.Td>
                    <Table.Td className="tabular">{view?.queued ?? '–'}</Table.Td>
                    <Table.Td className="tabular">{view?.running ?? '–'}</Table.Td>
                    <Table.Td>
                      <Group gap="xs" wrap="nowrap">
                        <Button
                          size="xs"
                          variant="default"
                          component="a"
                          href={href('runners', 'edit', runner.id)}
                        >
                          Edit<span className="sr-only"> {runner.id}</span>
                        </Button>
                        <Button
                          size="xs"
                          variant="subtle"
                          color="red"
                          onClick={() => setReleasing(runner.id)}
                        >
                          Release<span className="sr-only"> {runner.id}</span>
                        </Button>
                      </Group>
                    </Table.Td>
                  </Table.Tr>
                );
              })}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
      <Modal
        closeButtonProps={{ 'aria-label': 'Close' }}
        opened={releasing !== undefined}
        onClose={() => {
          setReleasing(undefined);
          setReleaseError(undefined);
        }}
        title={`Release runner ${releasing ?? ''}?`}
      >
        <Stack>
          <Text size="sm">Session Manager stops opening sessions for it. Its host stays configured.</Text>
          {releaseError && (
            <Alert color="red" role="alert">
              {releaseError}
            </Alert>
          )}
          <Group justify="flex-end">
            <Button variant="default" onClick={() => setReleasing(undefined)}>
              Cancel
            </Button>
            <Button color="red" onClick={release}>
              Release
            </Button>
          </Group>
        </Stack>
      </Modal>
    </Stack>
  );
}
