// A visitor of the gallery, for tests: requests go through the worker's own fetch handler.
import { env, exports } from 'cloudflare:workers';
import app from '../src/index.ts';

/** http://localhost gets the local cookie (no Secure, no __Host-); https hosts the real one. */
export const LOCAL = 'http://localhost:8787';
export const DEPLOYED = 'https://viewer.gallery.example';

export function call(path: string, init?: RequestInit, base = LOCAL): Promise<Response> {
  return exports.default.fetch(new Request(new URL(path, base), init));
}

/** The worker with some bindings or variables replaced (a misconfiguration, a rotated key). */
export function callWith(
  overrides: Record<string, unknown>,
  path: string,
  init?: RequestInit,
  base = LOCAL,
): Promise<Response> {
  const request = new Request(new URL(path, base), init);
  return Promise.resolve(app.fetch(request, { ...env, ...overrides }));
}

let addresses = 0;
/** A fresh client address, so that the login rate limit of one test never meets another's. */
export function clientAddress(): string {
  addresses += 1;
  return `198.51.${Math.floor(addresses / 250) % 250}.${(addresses % 250) + 1}`;
}

export function login(password: string, base = LOCAL, address = clientAddress()) {
  return call(
    '/login',
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
      body: JSON.stringify({ password }),
    },
    base,
  );
}

/** `name=value` of the Set-Cookie of a response, ready for a Cookie header. */
export function cookieOf(response: Response): string {
  const setCookie = response.headers.getSetCookie()[0];
  if (!setCookie) throw new Error(`no Set-Cookie (status ${response.status})`);
  return setCookie.split(';')[0]!;
}

/** Logs in with the test password and returns the Cookie header value. */
export async function signIn(base = LOCAL): Promise<string> {
  const response = await login(env.GALLERY_PASSWORD, base);
  if (response.status !== 200) throw new Error(`login failed: ${response.status}`);
  return cookieOf(response);
}

/** Logs in with the owner's password and returns the Cookie header value. */
export async function signInOwner(base = LOCAL): Promise<string> {
  const response = await login(env.OWNER_PASSWORD, base);
  if (response.status !== 200) throw new Error(`owner login failed: ${response.status}`);
  return cookieOf(response);
}

export function withCookie(cookie: string, headers: HeadersInit = {}): RequestInit {
  return { headers: { ...Object.fromEntries(new Headers(headers)), Cookie: cookie } };
}

export type AuthState = { authenticated: boolean; expiresAt?: number; role?: 'guest' | 'owner' };

/** What GET /auth says about a cookie. */
export async function authState(cookie: string, base = LOCAL): Promise<AuthState> {
  return (await call('/auth', { headers: { Cookie: cookie } }, base)).json<AuthState>();
}
