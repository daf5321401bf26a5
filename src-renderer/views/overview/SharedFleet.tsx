import { Alert, Text } from '@mantine/core';
import type { ManagerState } from '../../../src-main/core/state.js';

type CoordinationView = NonNullable<ManagerState['coordination']>;

/** Several instances share the fleet: which one this is, and which instance holds each host. */
export function SharedFleet({ coordination }: { coordination: CoordinationView }) {
  const byHolder = new Map<string, string[]>();
  for (const [hostId, holder] of Object.entries(coordination.holders))
    byHolder.set(holder, [...(byHolder.get(holder) ?? []), hostId]);
  return (
    <>
      {!coordination.connected && (
        <Alert color="red" title="Shared database unreachable">
          {coordination.problem ?? 'The leases cannot be renewed.'} This instance acts on no host until it can
          renew its leases; the hosts and sessions are left as they are.
        </Alert>
      )}
      <Text size="sm" c="dimmed" data-testid="shared-fleet">
        Instance {coordination.instanceId}, one of {coordination.instances} sharing this fleet.{' '}
        {[...byHolder]
          .sort(([a], [b]) => a.localeCompare(b))
          .map(
            ([holder, hostIds]) =>
              `${holder === coordination.instanceId ? 'This one' : holder} holds ${hostIds.sort().join(', ')}.`,
          )
          .join(' ')}
      </Text>
    </>
  );
}
