import { describe, expect, it } from 'vitest';
import { createRouter, parseRoute, type Route, type RouterHost, routeHash } from './router.ts';

/** A browser history in memory: entries of (state, hash), back() fires popstate. */
function fakeHost(initialHash = '') {
  const entries: { state: unknown; hash: string }[] = [{ state: null, hash: initialHash }];
  let current = 0;
  let onPopState = () => {};
  const host: RouterHost = {
    location: {
      get hash() {
        return entries[current]!.hash;
      },
    },
    history: {
      get state() {
        return entries[current]!.state;
      },
      pushState(state, _unused, url) {
        entries.splice(current + 1, Infinity, { state, hash: url });
        current++;
      },
      replaceState(state, _unused, url) {
        entries[current] = { state, hash: url };
      },
      back() {
        if (current === 0) return;
        current--;
        onPopState();
      },
    },
    addEventListener: (_type, listener) => {
      onPopState = listener;
    },
  };
  /** The guest edits the address bar or follows a link to another hash. */
  const visit = (hash: string) => {
    host.history.pushState(null, '', hash);
    onPopState();
  };
  return { host, visit, length: () => entries.length, hash: () => host.location.hash };
}

describe('routes', () => {
  it('reads the grid and open items from the hash', () => {
    expect(parseRoute('')).toEqual({ view: 'grid' });
    expect(parseRoute('#/')).toEqual({ view: 'grid' });
    expect(parseRoute('#/media/p1')).toEqual({ view: 'media', id: 'p1' });
    expect(parseRoute('#/media/p1/')).toEqual({ view: 'media', id: 'p1' });
  });

  it('round-trips ids that need escaping', () => {
    const route: Route = { view: 'media', id: 'a b/ü?#' };
    expect(routeHash(route)).toBe('#/media/a%20b%2F%C3%BC%3F%23');
    expect(parseRoute(routeHash(route))).toEqual(route);
  });

  it('falls back to the grid for anything else', () => {
    expect(parseRoute('#/media/')).toEqual({ view: 'grid' });
    expect(parseRoute('#/media/%E0%A4%A')).toEqual({ view: 'grid' });
    expect(parseRoute('#/elsewhere')).toEqual({ view: 'grid' });
    expect(parseRoute('#/media/a/b')).toEqual({ view: 'grid' });
  });
});

describe('router', () => {
  it('starts on the route of the loaded URL (a shared link or a reload)', () => {
    const { host } = fakeHost('#/media/p7');
    expect(createRouter(host).route).toEqual({ view: 'media', id: 'p7' });
  });

  it('opening an item adds a history entry, and closing it goes back', () => {
    const { host, length, hash } = fakeHost('#/');
    const router = createRouter(host);
    const seen: Route[] = [];
    router.subscribe((route) => seen.push(route));

    router.go({ view: 'media', id: 'p1' });
    expect(hash()).toBe('#/media/p1');
    expect(length()).toBe(2);

    router.closeItem();
    expect(hash()).toBe('#/');
    expect(seen).toEqual([{ view: 'media', id: 'p1' }, { view: 'grid' }]);
  });

  it('next/previous replace the entry, so Back still returns to the grid', () => {
    const { host, length, hash } = fakeHost('#/');
    const router = createRouter(host);
    router.go({ view: 'media', id: 'p1' });
    router.go({ view: 'media', id: 'p2' }, { replace: true });
    router.go({ view: 'media', id: 'p3' }, { replace: true });
    expect(length()).toBe(2);
    router.closeItem();
    expect(hash()).toBe('#/');
    expect(router.route).toEqual({ view: 'grid' });
  });

  it('closing an item opened from a shared link stays on the page', () => {
    const { host, length, hash } = fakeHost('#/media/p9');
    const router = createRouter(host);
    router.closeItem();
    expect(hash()).toBe('#/');
    expect(length()).toBe(1);
    expect(router.route).toEqual({ view: 'grid' });
  });

  it('follows the browser Back button and edited hashes', () => {
    const { host, visit } = fakeHost('#/');
    const router = createRouter(host);
    const seen: Route[] = [];
    router.subscribe((route) => seen.push(route));
    visit('#/media/x');
    host.history.back();
    expect(seen).toEqual([{ view: 'media', id: 'x' }, { view: 'grid' }]);
  });

  it('does not notify when the route did not change', () => {
    const { host } = fakeHost('#/media/a');
    const router = createRouter(host);
    let calls = 0;
    router.subscribe(() => calls++);
    router.go({ view: 'media', id: 'a' }, { replace: true });
    expect(calls).toBe(0);
  });
});
