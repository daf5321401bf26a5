/**
 * The web console's bearer token arrives once in the URL fragment (`#token=...`, which browsers never
 * send to a server or put in a Referer). It is kept in sessionStorage for reloads of this tab and
 * removed from the address bar and history at once.
 */

const storageKey = 'session-manager.token';

export function takeTokenFromLocation(
  location: Location,
  history: History,
  storage: Storage,
): string | undefined {
  const fragment = new URLSearchParams(location.hash.replace(/^#/, ''));
  const fromUrl = fragment.get('token');
  if (fromUrl) {
    storage.setItem(storageKey, fromUrl);
    fragment.delete('token');
    const rest = fragment.toString();
    history.replaceState(
      history.state,
      '',
      `${location.pathname}${location.search}${rest ? `#${rest}` : ''}`,
    );
    return fromUrl;
  }
  return storage.getItem(storageKey) ?? undefined;
}

export function forgetToken(storage: Storage): void {
  storage.removeItem(storageKey);
}
