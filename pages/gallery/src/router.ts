// The URL is the page's state: `#/` is the grid, `#/media/<id>` an open item, so
// a link to a photo can be shared and a reload lands on the same photo. Hash
// routes need no server rewrite rules wherever the SPA is hosted.

export type Route = { view: 'grid' } | { view: 'media'; id: string };

export function parseRoute(hash: string): Route {
  const match = /^#\/media\/([^/?#]+)\/?$/.exec(hash);
  if (!match?.[1]) return { view: 'grid' };
  try {
    return { view: 'media', id: decodeURIComponent(match[1]) };
  } catch {
    return { view: 'grid' };
  }
}

export function routeHash(route: Route): string {
  return route.view === 'media' ? `#/media/${encodeURIComponent(route.id)}` : '#/';
}

/** The part of `window` the router uses (a fake in tests). */
export type RouterHost = {
  location: { hash: string };
  history: {
    readonly state: unknown;
    pushState(state: unknown, unused: string, url: string): void;
    replaceState(state: unknown, unused: string, url: string): void;
    back(): void;
  };
  addEventListener(type: 'popstate', listener: () => void): void;
};

export type Router = {
  readonly route: Route;
  /**
   * Opening an item from the grid adds a history entry (Back closes it);
   * `replace` swaps the entry instead (next/previous inside the lightbox).
   */
  go(route: Route, options?: { replace?: boolean }): void;
  /** Back to the grid: pops the entry `go` pushed, or replaces a shared/reloaded link. */
  closeItem(): void;
  subscribe(listener: (route: Route) => void): () => void;
};

/** Marks history entries this page pushed on top of the grid. */
const OPENED_FROM_GRID = 'edge-gallery:opened-from-grid';

export function createRouter(host: RouterHost): Router {
  let route = parseRoute(host.location.hash);
  const listeners = new Set<(route: Route) => void>();

  function emit(next: Route) {
    if (routeHash(next) === routeHash(route)) return;
    route = next;
    for (const listener of listeners) listener(route);
  }

  host.addEventListener('popstate', () => emit(parseRoute(host.location.hash)));

  return {
    get route() {
      return route;
    },

    go(next, { replace = false } = {}) {
      const url = routeHash(next);
      if (replace) host.history.replaceState(host.history.state, '', url);
      else host.history.pushState(next.view === 'media' ? OPENED_FROM_GRID : null, '', url);
      emit(next);
    },

    closeItem() {
      if (route.view !== 'media') return;
      if (host.history.state === OPENED_FROM_GRID) host.history.back();
      else {
        host.history.replaceState(null, '', routeHash({ view: 'grid' }));
        emit({ view: 'grid' });
      }
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
