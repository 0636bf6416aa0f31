import type { LoginResult, ViewerApi } from './api.ts';

// The guest's session as the page sees it. The cookie itself is HttpOnly and
// belongs to the viewer; this only mirrors what the viewer says (GET /auth on
// load, the login answer, a 401 from any /api call) and the cookie's expiry.

export type SessionState =
  | { status: 'unknown' }
  | { status: 'signed-in'; expiresAt: number }
  | { status: 'signed-out'; reason: 'not-signed-in' | 'signed-out' | 'expired' };

export type Session = {
  readonly state: SessionState;
  /** Asks the viewer (GET /auth). Throws an ApiError when the viewer cannot be reached. */
  check(): Promise<SessionState>;
  login(password: string): Promise<LoginResult>;
  /** Throws an ApiError when the viewer could not clear the cookie. */
  logout(): Promise<void>;
  /** The viewer answered 401: the cookie expired or every session was revoked. */
  expire(): void;
  subscribe(listener: (state: SessionState) => void): () => void;
};

export type SessionClock = {
  now(): number;
  setTimer(callback: () => void, ms: number): unknown;
  clearTimer(handle: unknown): void;
};

// setTimeout fires at once for delays above 2^31-1 ms (~24.8 days).
const MAX_TIMER_MS = 2 ** 31 - 1;

const systemClock: SessionClock = {
  now: Date.now,
  setTimer: (callback, ms) => setTimeout(callback, ms),
  clearTimer: (handle) => clearTimeout(handle as ReturnType<typeof setTimeout>),
};

export function createSession(
  api: Pick<ViewerApi, 'auth' | 'login' | 'logout'>,
  clock: SessionClock = systemClock,
): Session {
  let state: SessionState = { status: 'unknown' };
  let expiryTimer: unknown;
  const listeners = new Set<(state: SessionState) => void>();

  function set(next: SessionState) {
    if (expiryTimer !== undefined) clock.clearTimer(expiryTimer);
    expiryTimer = undefined;
    const expired =
      next.status === 'signed-in' && next.expiresAt > 0 && next.expiresAt * 1000 <= clock.now();
    state = expired ? { status: 'signed-out', reason: 'expired' } : next;
    if (state.status === 'signed-in' && state.expiresAt > 0) scheduleExpiry(state.expiresAt);
    for (const listener of listeners) listener(state);
  }

  function scheduleExpiry(expiresAt: number) {
    const ms = expiresAt * 1000 - clock.now();
    expiryTimer = clock.setTimer(
      () => {
        expiryTimer = undefined;
        if (clock.now() >= expiresAt * 1000) set({ status: 'signed-out', reason: 'expired' });
        else scheduleExpiry(expiresAt);
      },
      Math.min(Math.max(ms, 0), MAX_TIMER_MS),
    );
  }

  return {
    get state() {
      return state;
    },

    async check() {
      const auth = await api.auth();
      set(
        auth.authenticated
          ? { status: 'signed-in', expiresAt: auth.expiresAt }
          : { status: 'signed-out', reason: 'not-signed-in' },
      );
      return state;
    },

    async login(password) {
      const result = await api.login(password);
      if (result.ok) set({ status: 'signed-in', expiresAt: result.expiresAt });
      return result;
    },

    async logout() {
      await api.logout();
      set({ status: 'signed-out', reason: 'signed-out' });
    },

    expire() {
      if (state.status === 'signed-in') set({ status: 'signed-out', reason: 'expired' });
    },

    subscribe(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
  };
}
