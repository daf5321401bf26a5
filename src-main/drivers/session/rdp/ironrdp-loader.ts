import { installBrowserShims } from './browser-shims.js';

/**
 * Loads IronRDP's WebAssembly build once per process. Every session shares this one instance (and
 * its memory), which is why the first session costs far more than the next ones.
 */
type IronRdp = typeof import('@devolutions/iron-remote-desktop-rdp');

let loading: Promise<IronRdp> | undefined;

export function loadIronRdp(logLevel = process.env.SESSION_MANAGER_RDP_LOG ?? 'error'): Promise<IronRdp> {
  loading ??= (async () => {
    installBrowserShims();
    const module = await import('@devolutions/iron-remote-desktop-rdp');
    await module.init(logLevel);
    return module;
  })();
  return loading;
}
