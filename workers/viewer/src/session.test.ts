import { env } from 'cloudflare:workers';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  authState,
  call,
  callWith,
  clientAddress,
  cookieOf,
  DEPLOYED,
  login,
  signIn,
} from '../test/visitor.ts';

const PASSWORD = env.GALLERY_PASSWORD;

afterEach(async () => {
  vi.useRealTimers();
  await env.CACHE_VERSION.delete('auth_version');
});

describe('session cookie', () => {
  it('is HttpOnly, SameSite=Lax, Path=/ and bounded, without Secure on localhost', async () => {
    const setCookie = (await login(PASSWORD)).headers.get('Set-Cookie')!;
    expect(setCookie).toMatch(/^gallery_session=/);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).toContain('Path=/');
    expect(setCookie).toContain(`Max-Age=${7 * 24 * 3600}`);
    expect(setCookie).not.toContain('Secure');
    expect(setCookie).not.toContain('Domain');
  });

  it('is Secure with the __Host- prefix anywhere but localhost', async () => {
    const response = await login(PASSWORD, DEPLOYED);
    const setCookie = response.headers.get('Set-Cookie')!;
    expect(setCookie).toMatch(/^__Host-gallery_session=/);
    expect(setCookie).toContain('Secure');
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).not.toContain('Domain');
    const cookie = cookieOf(response);
    expect((await authState(cookie, DEPLOYED)).authenticated).toBe(true);
    // Without the prefix (as a sibling subdomain could set it) it is not accepted.
    const unprefixed = cookie.replace('__Host-', '');
    expect((await authState(unprefixed, DEPLOYED)).authenticated).toBe(false);
  });

  it('is SameSite=Lax when deployed too, whatever an old COOKIE_SAMESITE says', async () => {
    // The setting is gone (the page and the viewer share an origin); one left in a deployed
    // environment must not bring back a cookie for other sites.
    const response = await callWith(
      { COOKIE_SAMESITE: 'None' },
      '/login',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientAddress() },
        body: JSON.stringify({ password: PASSWORD }),
      },
      DEPLOYED,
    );
    const setCookie = response.headers.get('Set-Cookie')!;
    expect(setCookie).toContain('SameSite=Lax');
    expect(setCookie).not.toMatch(/SameSite=(None|Strict)/);
  });

  it('is refused when tampered with', async () => {
    const cookie = await signIn();
    const [name, value] = cookie.split('=') as [string, string];
    const decoded = decodeURIComponent(value);
    const [id, version, expiresAt, signature] = decoded.split('.') as [
      string,
      string,
      string,
      string,
    ];
    const flip = (text: string) => (text[0] === 'A' ? 'B' : 'A') + text.slice(1);
    const forgeries = [
      `${id}.${version}.${Number(expiresAt) + 3600}.${signature}`, // longer life
      `${id}.${Number(version) + 1}.${expiresAt}.${signature}`, // other version
      `${flip(id)}.${version}.${expiresAt}.${signature}`, // other session (bucket)
      `${id}.${version}.${expiresAt}.${flip(signature)}`, // other signature
      `${id}.${version}.${expiresAt}`, // no signature
      `${id}.${version}.${expiresAt}.owner.${signature}`, // a guest claiming the owner role
      'garbage',
    ];
    for (const forged of forgeries) {
      const answer = await authState(`${name}=${encodeURIComponent(forged)}`);
      expect(answer, forged).toEqual({ authenticated: false });
      const api = await call('/api/media', { headers: { Cookie: `${name}=${forged}` } });
      expect(api.status).toBe(401);
    }
  });

  it('signed with another AUTH_SECRET is refused', async () => {
    const response = await callWith(
      { AUTH_SECRET: 'another-secret-another-secret-0123' },
      '/login',
      {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': clientAddress() },
        body: JSON.stringify({ password: PASSWORD }),
      },
    );
    expect(response.status).toBe(200);
    expect(await authState(cookieOf(response))).toEqual({ authenticated: false });
  });

  it('expires after its lifetime', async () => {
    const cookie = await signIn();
    vi.useFakeTimers({ toFake: ['Date'] });
    vi.setSystemTime(Date.now() + 7 * 24 * 3600 * 1000 - 5_000);
    expect((await authState(cookie)).authenticated).toBe(true);
    vi.setSystemTime(Date.now() + 10_000);
    expect(await authState(cookie)).toEqual({ authenticated: false });
    expect((await call('/api/media', { headers: { Cookie: cookie } })).status).toBe(401);
  });

  it('ends for everyone when auth_version is bumped', async () => {
    const cookie = await signIn();
    expect((await call('/api/media', { headers: { Cookie: cookie } })).status).toBe(200);
    await env.CACHE_VERSION.put('auth_version', '2');
    expect(await authState(cookie)).toEqual({ authenticated: false });
    expect((await call('/api/media', { headers: { Cookie: cookie } })).status).toBe(401);
    // A new login carries the new version.
    const fresh = await signIn();
    expect((await call('/api/media', { headers: { Cookie: fresh } })).status).toBe(200);
  });
});
