import { Badge, Button, Group, Text, Tooltip } from '@mantine/core';
import { useState } from 'react';
import { useApi } from '../api/ApiProvider.js';
import { errorText } from '../lib/errors.js';
import { useLive } from '../store/live-store.js';

const orchestratorColor = { ok: 'green', unreachable: 'red', unconfigured: 'gray' } as const;
const orchestratorText = {
  ok: 'Orchestrator OK',
  unreachable: 'Orchestrator unreachable',
  unconfigured: 'No orchestrator',
};

/** The header's live figures: orchestrator, queue depth, hosts on / budget, and pause / resume. */
export function StatusHeader() {
  const api = useApi();
  const state = useLive((store) => store.state);
  const receiveState = useLive((store) => store.receiveState);
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string>();

  const toggle = async () => {
    if (!state) return;
    setBusy(true);
    setProblem(undefined);
    try {
      await (state.paused ? api.resume() : api.pause());
      receiveState(await api.getState(), Date.now());
    } catch (error) {
      setProblem(errorText(error));
    } finally {
      setBusy(false);
    }
  };

  const status = state?.orchestrator.status;
  return (
    <Group gap="sm" wrap="nowrap" aria-live="polite" data-testid="status-header">
      <Tooltip
        label={state?.orchestrator.problem ?? 'Tasks are read from the orchestrator'}
        multiline
        w={260}
      >
        <Badge
          color={status ? orchestratorColor[status] : 'gray'}
          variant="dot"
          size="lg"
          tabIndex={0}
          data-testid="orchestrator-status"
        >
          {status ? orchestratorText[status] : 'Connecting…'}
        </Badge>
      </Tooltip>
      {/* On a phone the header keeps the budget and Pause; the queue is on each host card. */}
      <Text size="sm" data-testid="queue-depth" miw={90} visibleFrom="sm">
        Queue <b>{state?.queueDepth ?? '–'}</b>
      </Text>
      <Text size="sm" data-testid="hosts-on" miw={60}>
        <Text span inherit visibleFrom="sm">
          Hosts on{' '}
        </Text>
        <b>{state ? `${state.hostsOn} / ${state.maxHostsOn}` : '–'}</b>
      </Text>
      {state && state.hostsUnknown > 0 && (
        <Tooltip
          label="Their power state cannot be read (see the host cards). They may be running, so the budget counts them as on."
          multiline
          w={260}
        >
          <Text size="sm" c="red" data-testid="hosts-unknown" tabIndex={0}>
            Unknown <b>{state.hostsUnknown}</b>
          </Text>
        </Tooltip>
      )}
      <Tooltip
        label={
          problem ??
          (state?.paused
            ? 'Paused: nothing is started or stopped. Resume to let Session Manager act again.'
            : 'Pause: stop starting and stopping hosts; sessions stay as they are.')
        }
        multiline
        w={260}
      >
        <Button
          size="xs"
          variant={state?.paused ? 'filled' : 'default'}
          color={problem ? 'red' : state?.paused ? 'orange' : undefined}
          loading={busy}
          disabled={!state}
          onClick={toggle}
          miw={86}
        >
          {state?.paused ? 'Resume' : 'Pause'}
        </Button>
      </Tooltip>
    </Group>
  );
}
