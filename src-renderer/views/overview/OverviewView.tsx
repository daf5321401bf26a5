import { Alert, Anchor, Loader, SimpleGrid, Stack, Text, Title } from '@mantine/core';
import { href } from '../../lib/route.js';
import { useServerNow } from '../../lib/use-server-now.js';
import { useLive } from '../../store/live-store.js';
import { HostCard } from './HostCard.js';
import { MonthlyBudget } from './MonthlyBudget.js';
import { SharedFleet } from './SharedFleet.js';

export function OverviewView() {
  const state = useLive((store) => store.state);
  const now = useServerNow();

  return (
    <Stack gap="md">
      <Title order={2}>Overview</Title>
      {!state ? (
        <Loader aria-label="Loading state" />
      ) : (
        <>
          {state.paused && (
            <Alert color="orange" title="Paused">
              Session Manager is not starting or stopping anything until you resume.
            </Alert>
          )}
          {state.orchestrator.status === 'unreachable' && (
            <Alert color="red" title="Orchestrator unreachable">
              {state.orchestrator.problem ?? 'Its tasks cannot be read.'} Nothing new is started and nothing
              is stopped until it answers again.
            </Alert>
          )}
          {state.coordination && <SharedFleet coordination={state.coordination} />}
          {state.monthlyBudget && <MonthlyBudget budget={state.monthlyBudget} />}
          {state.hosts.length === 0 ? (
            <Text>
              No host yet. <Anchor href={href('hosts', 'new')}>Add a host</Anchor> to start.
            </Text>
          ) : (
            <SimpleGrid cols={{ base: 1, md: 2, xl: 3 }} spacing="md">
              {state.hosts.map((host) => (
                <HostCard key={host.id} host={host} state={state} now={now} />
              ))}
            </SimpleGrid>
          )}
        </>
      )}
    </Stack>
  );
}
