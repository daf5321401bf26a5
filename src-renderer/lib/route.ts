import { useSyncExternalStore } from 'react';

/**
 * Views are addressed by the URL fragment (`#/hosts`, `#/hosts/edit/bot-01`): real links, so the
 * keyboard, the back button and "open in new tab" work, in the browser and in Electron alike.
 */

export const views = ['overview', 'hosts', 'runners', 'sessions', 'events', 'cost', 'settings'] as const;
export type View = (typeof views)[number];

interface Route {
  view: View;
  /** Sub-path after the view, e.g. ['new'] or ['edit', 'bot-01']. */
  rest: string[];
}

export function parseRoute(hash: string): Route {
  const [first, ...rest] = hash.replace(/^#\/?/, '').split('/').map(decodeURIComponent);
  const view = (views as readonly string[]).includes(first ?? '') ? (first as View) : 'overview';
  return { view, rest: rest.filter(Boolean) };
}

export function href(view: View, ...rest: string[]): string {
  return `#/${[view, ...rest].map(encodeURIComponent).join('/')}`;
}

export function navigate(view: View, ...rest: string[]): void {
  window.location.hash = href(view, ...rest);
}

function subscribe(onChange: () => void): () => void {
  window.addEventListener('hashchange', onChange);
  return () => window.removeEventListener('hashchange', onChange);
}

export function useRoute(): Route {
  const hash = useSyncExternalStore(subscribe, () => window.location.hash);
  return parseRoute(hash);
}
