import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  authState,
  call,
  clientAddress,
  cookieOf,
  LOCAL,
  login,
  signIn,
} from '../../test/visitor.ts';

const PASSWORD = env.GALLERY_PASSWORD;

describe('POST /login', () => {
  it('accepts the password as JSON and sets a session cookie', async () => {
    const before = Math.floor(Date.now() / 1000);
    const response = await login(PASSWORD);
    expect(response.status).toBe(200);
    const body = await response.json<{ ok: boolean; expiresAt: number }>();
    expect(body.ok).toBe(true);
    expect(body.expiresAt).toBeGreaterThanOrEqual(before + 7 * 24 * 3600);
    expect(body.expiresAt).toBeLessThanOrEqual(before + 7 * 24 * 3600 + 2);
    expect(await authState(cookieOf(response))).toEqual({
      authenticated: true,
      expiresAt: body.expiresAt,
      role: 'guest',
    });
  });

  it('accepts the password from a form', async () => {
    const response = await call('/login', {
      method: 'POST',
      headers: { 'CF-Connecting-IP': clientAddress() },
      body: new URLSearchParams({ password: PASSWORD }),
    });
    expect(response.status).toBe(200);
    expect((await authState(cookieOf(response))).authenticated).toBe(true);
  });

  it('refuses a wrong password with 401 and no cookie', async () => {
    for (const wrong of ['', 'test', `${PASSWORD}x`, PASSWORD.toUpperCase(), ` ${PASSWORD}`]) {
      const response = await login(wrong);
      expect(response.status).toBe(401);
      expect(await response.json()).toEqual({ error: 'wrong-password' });
      expect(response.headers.getSetCookie()).toEqual([]);
    }
  });

  it('answers malformed bodies with 4xx reasons', async () => {
    const post = (headers: HeadersInit, body: BodyInit) =>
      call('/login', {
        method: 'POST',
        headers: { 'CF-Connecting-IP': clientAddress(), ...headers },
        body,
      });
    const json = { 'Content-Type': 'application/json' };
    expect(await (await post(json, '{"password":')).json()).toEqual({ error: 'bad-body' });
    expect(await (await post(json, '{"password":42}')).json()).toEqual({
      error: 'missing-password',
    });
    expect(await (await post(json, '[]')).json()).toEqual({ error: 'missing-password' });
    const text = await post({ 'Content-Type': 'text/plain' }, PASSWORD);
    expect(text.status).toBe(415);
    const huge = await post(json, JSON.stringify({ password: 'x'.repeat(10_000) }));
    expect(huge.status).toBe(413);
    expect(await huge.json()).toEqual({ error: 'body-too-large' });
  });

  it('rate-limits attempts per client address with 429 and Retry-After', async () => {
    const address = clientAddress();
    const statuses: number[] = [];
    for (let attempt = 0; attempt < 31; attempt++) {
      statuses.push((await login('wrong', LOCAL, address)).status);
    }
    expect(statuses.slice(0, 30)).toEqual(Array(30).fill(401));
    expect(statuses[30]).toBe(429);

    // Over the limit even the right password is refused: no oracle for guesses.
    const limited = await login(PASSWORD, LOCAL, address);
    expect(limited.status).toBe(429);
    expect(await limited.json()).toEqual({ error: 'rate-limited' });
    expect(limited.headers.get('Retry-After')).toBe('60');
    expect(limited.headers.getSetCookie()).toEqual([]);

    // Another client is not affected.
    expect((await login(PASSWORD)).status).toBe(200);
  });

  it('refuses a login posted from a foreign origin (login CSRF)', async () => {
    const foreign = await call('/login', {
      method: 'POST',
      headers: {
        Origin: 'https://evil.example',
        'CF-Connecting-IP': clientAddress(),
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: `password=${PASSWORD}`,
    });
    expect(foreign.status).toBe(403);
    expect(await foreign.json()).toEqual({ error: 'forbidden-origin' });
    for (const origin of ['http://localhost:5173', LOCAL]) {
      const allowed = await call('/login', {
        method: 'POST',
        headers: {
          Origin: origin,
          'CF-Connecting-IP': clientAddress(),
          'Content-Type': 'application/json',
        },
        body: JSON.stringify({ password: PASSWORD }),
      });
      expect(allowed.status).toBe(200);
    }
  });
});

describe('POST /logout and GET /auth', () => {
  it('logout clears the cookie', async () => {
    const cookie = await signIn();
    const response = await call('/logout', { method: 'POST', headers: { Cookie: cookie } });
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true });
    const cleared = response.headers.get('Set-Cookie')!;
    expect(cleared).toMatch(/^gallery_session=;/);
    expect(cleared).toContain('Max-Age=0');
  });

  it('logout from a foreign origin is refused (logout CSRF)', async () => {
    const response = await call('/logout', {
      method: 'POST',
      headers: { Origin: 'https://evil.example' },
    });
    expect(response.status).toBe(403);
    expect(response.headers.getSetCookie()).toEqual([]);
  });

  it('/auth without a cookie says signed out, and drops a stale cookie', async () => {
    expect(await (await call('/auth')).json()).toEqual({ authenticated: false });
    const stale = await call('/auth', { headers: { Cookie: 'gallery_session=junk' } });
    expect(stale.headers.get('Set-Cookie')).toContain('Max-Age=0');
  });
});
