import { describe, expect, it } from 'vitest';
import { joinLinkMessage, loginErrorMessage, loginNotice } from './login-view.ts';

describe('login messages', () => {
  it('says clearly when the password is wrong', () => {
    expect(loginErrorMessage({ ok: false, reason: 'wrong-password' })).toMatch(
      /password isn’t right/,
    );
  });

  it('says how long to wait after too many tries', () => {
    const failure = { ok: false, reason: 'rate-limited', retryAfterSeconds: 42 } as const;
    expect(loginErrorMessage(failure, 42)).toBe('Too many tries. You can try again in 42 seconds.');
    expect(loginErrorMessage(failure, 1)).toBe('Too many tries. You can try again in 1 second.');
    expect(loginErrorMessage(failure, 0)).toBe('You can try again now.');
  });

  it('still explains rate limiting when the wait is unknown', () => {
    const failure = { ok: false, reason: 'rate-limited', retryAfterSeconds: undefined } as const;
    expect(loginErrorMessage(failure)).toBe('Too many tries. Wait a minute, then try again.');
  });

  it('tells an unreachable gallery apart from a wrong password', () => {
    expect(loginErrorMessage({ ok: false, reason: 'unavailable' })).toMatch(/can’t be reached/);
  });

  it('explains why the guest is back at the login screen', () => {
    expect(loginNotice({ status: 'signed-out', reason: 'expired' })).toMatch(/timed out/);
    expect(loginNotice({ status: 'signed-out', reason: 'signed-out' })).toMatch(/signed out/);
    expect(loginNotice({ status: 'signed-out', reason: 'not-signed-in' })).toBe('');
  });

  it('explains a join link that did not work, without repeating its password', () => {
    const message = joinLinkMessage({ ok: false, reason: 'wrong-password' });
    expect(message).toMatch(/join link didn’t work/);
    expect(message).toMatch(/Enter the password/);
    expect(joinLinkMessage({ ok: false, reason: 'unavailable' })).toMatch(/can’t be reached/);
  });
});
