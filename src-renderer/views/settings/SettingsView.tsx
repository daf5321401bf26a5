import { Alert, Loader, Stack, Title } from '@mantine/core';
import { useMemo } from 'react';
import { useApi } from '../../api/ApiProvider.js';
import { useLoad } from '../../lib/use-load.js';
import { useLive } from '../../store/live-store.js';
import { CoordinationPanel } from './CoordinationPanel.js';
import { NotificationsPanel } from './NotificationsPanel.js';
import { OrchestratorPanel } from './OrchestratorPanel.js';
import { PolicyPanel } from './PolicyPanel.js';

export function SettingsView() {
  const api = useApi();
  const { data, error, reload } = useLoad(() => api.getSettings(), [api]);
  const hosts = useLive((store) => store.state?.hosts);
  const hostIds = useMemo(() => hosts?.map((h) => h.id) ?? [], [hosts]);
  const saved = () => void reload();

  return (
    <Stack gap="md">
      <Title order={2}>Settings</Title>
      {error && (
        <Alert color="red" title="Could not load the settings">
          {error}
        </Alert>
      )}
      {!data ? (
        !error && <Loader aria-label="Loading settings" />
      ) : (
        <>
          <OrchestratorPanel settings={data} onSaved={saved} />
          <PolicyPanel settings={data} hostIds={hostIds} onSaved={saved} />
          <NotificationsPanel settings={data} onSaved={saved} />
          <CoordinationPanel settings={data} onSaved={saved} />
        </>
      )}
    </Stack>
  );
}
