import { isOurPage } from '../ipc/sender.js';

/**
 * Where the window may go (pure decisions; the Electron edge attaches them to webContents events).
 * The window never navigates away from our page and never opens another window. A link to the
 * outside opens in the user's browser only when it is https, carries no credentials and its host is
 * on the allow-list.
 */

/** Hosts the UI links to; `*.example.com` allows its subdomains (not example.com itself). */
const defaultExternalHosts: readonly string[] = [
  'botcity.dev',
  '*.botcity.dev',
  'github.com',
  'console.aws.amazon.com',
  '*.console.aws.amazon.com',
  'portal.azure.com',
];

function hostAllowed(host: string, allowList: readonly string[]): boolean {
  const h = host.toLowerCase();
  return allowList.some((entry) => {
    const e = entry.toLowerCase();
    return e.startsWith('*.') ? h.endsWith(e.slice(1)) && h.length > e.length - 1 : h === e;
  });
}

type ExternalDecision = { open: true; url: string } | { open: false; reason: string };

export function externalLinkDecision(url: string, allowList: readonly string[]): ExternalDecision {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return { open: false, reason: 'not a URL' };
  }
  if (parsed.protocol !== 'https:')
    return { open: false, reason: `only https links open (${parsed.protocol})` };
  if (parsed.username || parsed.password) return { open: false, reason: 'links with credentials never open' };
  if (!hostAllowed(parsed.hostname, allowList))
    return { open: false, reason: `${parsed.hostname} is not on the allow-list` };
  return { open: true, url: parsed.href };
}

/** The allow-list plus the configured orchestrator's host (when it is https). */
export function externalAllowList(orchestratorServer?: string): string[] {
  const list = [...defaultExternalHosts];
  if (orchestratorServer) {
    try {
      const server = new URL(orchestratorServer);
      if (server.protocol === 'https:') list.push(server.hostname);
    } catch {
      // a bad URL adds nothing
    }
  }
  return list;
}

/** In-window navigation: only to our own page (a reload); everything else is refused. */
export function navigationAllowed(url: string, pageUrl: string): boolean {
  return isOurPage(url, pageUrl);
}

/**
 * Requests the window may make: files under the renderer's own folder and in-memory data; no remote
 * content, and no other file on the disk. `rendererDirUrl` is the folder's file:// URL.
 */
export function requestAllowed(url: string, rendererDirUrl: string): boolean {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return false;
  }
  if (parsed.protocol === 'blob:' || parsed.protocol === 'data:' || parsed.protocol === 'devtools:')
    return true;
  if (parsed.protocol !== 'file:') return false;
  const root = rendererDirUrl.endsWith('/') ? rendererDirUrl : `${rendererDirUrl}/`;
  const dir = new URL(root);
  return parsed.host === dir.host && parsed.pathname.startsWith(dir.pathname);
}
