import path from 'node:path';
import { fileURLToPath } from 'node:url';
import vm from 'node:vm';
import { build } from 'esbuild';
import type { SessionManagerApi } from '../../../src-main/api/contract.js';
import type { IpcRendererLike } from '../../../src-preload/bridge-api.js';

const root = fileURLToPath(new URL('../../../', import.meta.url));

/** Bundles src-preload/index.ts exactly as `npm run build:preload` does (in memory). */
export async function bundlePreload(): Promise<string> {
  const result = await build({
    entryPoints: [path.join(root, 'src-preload/index.ts')],
    bundle: true,
    platform: 'browser',
    format: 'cjs',
    target: 'chrome130',
    external: ['electron'],
    minify: true,
    write: false,
    logLevel: 'silent',
  });
  return result.outputFiles[0]!.text;
}

export interface LoadedPreload {
  /** What the preload passed to contextBridge.exposeInMainWorld, by key. */
  exposed: Map<string, unknown>;
  /** Every module the bundle asked `require` for. */
  required: string[];
}

/**
 * Runs the bundle the way a sandboxed preload runs: as CommonJS whose `require` offers only
 * 'electron' (a fake contextBridge and the given ipcRenderer); anything else throws, as in the sandbox.
 */
export function runPreload(code: string, ipcRenderer: IpcRendererLike): LoadedPreload {
  const exposed = new Map<string, unknown>();
  const required: string[] = [];
  const electron = {
    contextBridge: { exposeInMainWorld: (key: string, api: unknown) => exposed.set(key, api) },
    ipcRenderer,
  };
  const sandboxRequire = (name: string) => {
    required.push(name);
    if (name === 'electron') return electron;
    throw new Error(`module not found: ${name} (a sandboxed preload can only require electron)`);
  };
  const wrapper = vm.runInThisContext(`(function (require, module, exports) {${code}\n})`) as (
    require: (name: string) => unknown,
    module: { exports: unknown },
    exports: unknown,
  ) => void;
  const module = { exports: {} };
  wrapper(sandboxRequire, module, module.exports);
  return { exposed, required };
}

export type Bridge = SessionManagerApi;
