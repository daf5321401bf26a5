import type { SessionManagerApi } from '../src-main/api/contract.js';

declare global {
  interface Window {
    /** Exposed by the Electron preload (contextBridge); absent in the web console. */
    sessionManager?: SessionManagerApi;
  }
}
