import { Badge, Button, Group, Table, Text } from '@mantine/core';
import { useApi } from '../../api/ApiProvider.js';
import { ConfigList, RemovalDialog, useRemoval } from '../../components/ConfigList.js';
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
  const removal = useRemoval(async (id: string) => {
    await api.releaseRunner({ id });
    await reload();
  });

  return (
    <ConfigList
      title="Runners"
      addLabel="Attach runner"
      addHref={href('runners', 'new')}
      noun="runners"
      items={runners}
      error={error}
      loading={loading}
      empty="No runner attached yet."
      removal={
        <RemovalDialog
          removal={removal}
          title={`Release runner ${removal.asked ?? ''}?`}
          text="Session Manager stops opening sessions for it. Its host stays configured."
          confirmLabel="Release"
        />
      }
      table={(list) => (
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
              {list.map((runner) => {
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
                      {view?.type === 'background'
                        ? 'Background runner: no session'
                        : runner.sessionMode === 'rdp'
                          ? 'Own RDP session'
                          : 'Console'}
                      {runner.user ? ` as ${runner.user}` : ''}
                    </Table.Td>
                    <Table.Td>
                      {runner.width} × {runner.height}
                    </Table.Td>
                    <Table.Td className="tabular">{view?.queued ?? '–'}</Table.Td>
                    <Table.Td className="tabular">
                      {view?.running ?? '–'}
                      {view?.timedOut ? (
                        <Badge
                          size="xs"
                          color="orange"
                          ml={4}
                          title="past its time limit: its bot may still be running"
                        >
                          {view.timedOut} timed out
                        </Badge>
                      ) : null}
                    </Table.Td>
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
                        <Button size="xs" variant="subtle" color="red" onClick={() => removal.ask(runner.id)}>
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
    />
  );
}
