import { createContext, useContext, type ReactNode } from 'react';
import type { SessionManagerApi } from '../../src-main/api/contract.js';

/** The UI reaches the service only through this: IPC in Electron, HTTP + SSE in the web console. */
const ApiContext = createContext<SessionManagerApi | undefined>(undefined);

export function ApiProvider({ api, children }: { api: SessionManagerApi; children: ReactNode }) {
  return <ApiContext.Provider value={api}>{children}</ApiContext.Provider>;
}

export function useApi(): SessionManagerApi {
  const api = useContext(ApiContext);
  if (!api) throw new Error('useApi outside ApiProvider');
  return api;
}
