import type { SessionManagerApi } from '../../src-main/api/contract.js';
import { createHttpClient } from '../../src-main/api/http-client.js';
import { fromBridge } from './from-bridge.js';
import { takeTokenFromLocation } from './web-token.js';

/**
 * Electron: the preload's bridge (IPC). Web console: the HTTP API of the server that served this page
 * (same origin), with the token from the URL fragment. Undefined when the web console has no token.
 */
export function chooseApi(): SessionManagerApi | undefined {
  // The bridge rejects with plain objects (contextBridge strips classes); fromBridge restores ApiError.
  if (window.sessionManager) return fromBridge(window.sessionManager);
  const token = takeTokenFromLocation(window.location, window.history, window.sessionStorage);
  if (!token) return undefined;
  return createHttpClient({ baseUrl: '', token });
}
