import { contextBridge, ipcRenderer } from 'electron';
import { z } from 'zod';
import { bridgeKey } from '../src-main/app/ipc/channels.js';
import { createBridgeApi } from './bridge-api.js';

/**
 * The preload (sandboxed, bundled by `npm run build:preload`): exposes one object implementing
 * SessionManagerApi as `window.sessionManager`. ipcRenderer itself never crosses the bridge.
 */

// The page's CSP forbids eval: zod must not try to compile its checks (it would log a violation).
z.config({ jitless: true });

contextBridge.exposeInMainWorld(bridgeKey, createBridgeApi(ipcRenderer));
