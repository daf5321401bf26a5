import type { SessionManagerApi } from '../src-main/api/contract.js';
import { ApiProvider } from './api/ApiProvider.js';
import { App } from './App.js';
import { NoAccess } from './components/NoAccess.js';
import { useLive } from './store/live-store.js';

/** The app, or why it cannot reach the service. */
export function Root({ api }: { api?: SessionManagerApi }) {
  const connection = useLive((store) => store.connection);
  if (!api) return <NoAccess reason="missing" />;
  if (connection === 'unauthorized') return <NoAccess reason="refused" />;
  return (
    <ApiProvider api={api}>
      <App />
    </ApiProvider>
  );
}
