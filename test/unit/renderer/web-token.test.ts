import { describe, expect, it } from 'vitest';
import { forgetToken, takeTokenFromLocation } from '../../../src-renderer/api/web-token.js';
import { parseRoute, href } from '../../../src-renderer/lib/route.js';

function browser(url: string) {
  const location = new URL(url) as unknown as Location;
  const replaced: string[] = [];
  const history = {
    state: null,
    replaceState: (_s: unknown, _t: string, next: string) => replaced.push(next),
  };
  const items = new Map<string, string>();
  const storage = {
    getItem: (k: string) => items.get(k) ?? null,
    setItem: (k: string, v: string) => void items.set(k, v),
    removeItem: (k: string) => void items.delete(k),
  };
  return {
    location,
    history: history as unknown as History,
    storage: storage as unknown as Storage,
    replaced,
    items,
  };
}

describe('web console token', () => {
  it('takes the token from the fragment once, keeps it for the tab and removes it from the address bar', () => {
    const b = browser('http://127.0.0.1:7870/?x=1#token=abc%2Bdef');
    expect(takeTokenFromLocation(b.location, b.history, b.storage)).toBe('abc+def');
    expect(b.replaced).toEqual(['/?x=1']);
    expect(b.items.get('session-manager.token')).toBe('abc+def');

    const reload = browser('http://127.0.0.1:7870/#/hosts');
    reload.items.set('session-manager.token', 'abc+def');
    expect(takeTokenFromLocation(reload.location, reload.history, reload.storage)).toBe('abc+def');
    expect(reload.replaced).toEqual([]);
    forgetToken(reload.storage);
    expect(takeTokenFromLocation(reload.location, reload.history, reload.storage)).toBeUndefined();
  });
});

describe('routes and event filters', () => {
  it('parses view links and falls back to the overview', () => {
    expect(parseRoute(href('hosts', 'edit', 'bot 1'))).toEqual({ view: 'hosts', rest: ['edit', 'bot 1'] });
    expect(parseRoute('#token=abc')).toEqual({ view: 'overview', rest: [] });
    expect(parseRoute('')).toEqual({ view: 'overview', rest: [] });
  });
});
