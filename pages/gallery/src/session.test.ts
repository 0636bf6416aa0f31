import { describe, expect, it } from 'vitest';
import type { AuthState, LoginResult } from './api.ts';
import { createSession, type SessionClock, type SessionState } from './session.ts';

/** A clock whose timers run only when the test moves time forward. */
function manualClock(start: number) {
  let now = start;
  const timers = new Map<number, { at: number; callback: () => void }>();
  let nextId = 1;
  const clock: SessionClock = {
    now: () => now,
    setTimer: (callback, ms) => {
      timers.set(nextId, { at: now + ms, callback });
      return nextId++;
    },
    clearTimer: (handle) => timers.delete(handle as number),
  };
  const advance = (ms: number) => {
    now += ms;
    for (const [id, timer] of [...timers]) {
      if (timer.at <= now) {
        timers.delete(id);
        timer.callback();
      }
    }
  };
  return { clock, advance, pending: () => timers.size };
}

function fakeApi(auth: AuthState, login: LoginResult = { ok: true, expiresAt: 0 }) {
  const calls: string[] = [];
  return {
    calls,
    auth: async () => {
      calls.push('auth');
      return auth;
    },
    login: async () => {
      calls.push('login');
      return login;
    },
    logout: async () => {
      calls.push('logout');
    },
  };
}

const T0 = Date.parse('2026-06-01T12:00:00Z');
const inSeconds = (s: number) => T0 / 1000 + s;

describe('session', () => {
  it('starts unknown until the viewer is asked', () => {
    const session = createSession(fakeApi({ authenticated: false }), manualClock(T0).clock);
    expect(session.state).toEqual({ status: 'unknown' });
  });

  it('stays signed in across reloads: GET /auth restores it', async () => {
    const api = fakeApi({ authenticated: true, expiresAt: inSeconds(3600) });
    const session = createSession(api, manualClock(T0).clock);
    expect(await session.check()).toEqual({ status: 'signed-in', expiresAt: inSeconds(3600) });
    expect(api.calls).toEqual(['auth']);
  });

  it('is signed out when the viewer says so', async () => {
    const session = createSession(fakeApi({ authenticated: false }), manualClock(T0).clock);
    expect(await session.check()).toEqual({ status: 'signed-out', reason: 'not-signed-in' });
  });

  it('signs in on a successful login and tells listeners', async () => {
    const seen: SessionState[] = [];
    const session = createSession(
      fakeApi({ authenticated: false }, { ok: true, expiresAt: inSeconds(60) }),
      manualClock(T0).clock,
    );
    session.subscribe((state) => seen.push(state));
    await session.login('pw');
    expect(seen).toEqual([{ status: 'signed-in', expiresAt: inSeconds(60) }]);
  });

  it('stays signed out after a failed login', async () => {
    const session = createSession(
      fakeApi({ authenticated: false }, { ok: false, reason: 'wrong-password' }),
      manualClock(T0).clock,
    );
    await session.check();
    expect(await session.login('nope')).toEqual({ ok: false, reason: 'wrong-password' });
    expect(session.state.status).toBe('signed-out');
  });

  it('ends by itself when the cookie expires', async () => {
    const { clock, advance } = manualClock(T0);
    const session = createSession(
      fakeApi({ authenticated: true, expiresAt: inSeconds(10) }),
      clock,
    );
    await session.check();
    advance(9_999);
    expect(session.state.status).toBe('signed-in');
    advance(1);
    expect(session.state).toEqual({ status: 'signed-out', reason: 'expired' });
  });

  it('waits out expiries beyond the timer limit in steps', async () => {
    const { clock, advance } = manualClock(T0);
    const thirtyDays = 30 * 24 * 3600;
    const session = createSession(
      fakeApi({ authenticated: true, expiresAt: inSeconds(thirtyDays) }),
      clock,
    );
    await session.check();
    advance(2 ** 31 - 1);
    expect(session.state.status).toBe('signed-in');
    advance(thirtyDays * 1000);
    expect(session.state.status).toBe('signed-out');
  });

  it('treats an already past expiry as expired', async () => {
    const session = createSession(
      fakeApi({ authenticated: true, expiresAt: inSeconds(-1) }),
      manualClock(T0).clock,
    );
    expect(await session.check()).toEqual({ status: 'signed-out', reason: 'expired' });
  });

  it('ends when the viewer answers 401', async () => {
    const session = createSession(
      fakeApi({ authenticated: true, expiresAt: inSeconds(60) }),
      manualClock(T0).clock,
    );
    await session.check();
    session.expire();
    expect(session.state).toEqual({ status: 'signed-out', reason: 'expired' });
  });

  it('signs out through the viewer and cancels the expiry timer', async () => {
    const { clock, pending } = manualClock(T0);
    const api = fakeApi({ authenticated: true, expiresAt: inSeconds(60) });
    const session = createSession(api, clock);
    await session.check();
    await session.logout();
    expect(api.calls).toEqual(['auth', 'logout']);
    expect(session.state).toEqual({ status: 'signed-out', reason: 'signed-out' });
    expect(pending()).toBe(0);
  });

  it('stays signed in when the viewer could not clear the cookie', async () => {
    const api = {
      ...fakeApi({ authenticated: true, expiresAt: inSeconds(60) }),
      logout: async () => {
        throw new Error('offline');
      },
    };
    const session = createSession(api, manualClock(T0).clock);
    await session.check();
    await expect(session.logout()).rejects.toThrow('offline');
    expect(session.state.status).toBe('signed-in');
  });
});
