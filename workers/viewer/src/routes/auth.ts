import { jsonError } from '@edge-gallery/http';
import { equalInConstantTime, toBase64Url } from '@edge-gallery/r2-signer';
import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { createMiddleware } from 'hono/factory';
import { readDevice, sendDevice } from '../device.ts';
import type { AppEnv, Settings } from '../env.ts';
import { clientKey, LOGIN_WINDOW_SECONDS } from '../login-limits.ts';
import { endSession, type Role, readSession, startSession } from '../session.ts';
import { hmac } from '../signature.ts';

/**
 * A form on another site can POST here without a preflight. Browsers send Origin with every
 * POST, so one that is neither this worker nor an allowed SPA is refused (login and logout
 * CSRF, and every other state-changing route: uploads, the owner's edits); clients that send
 * no Origin at all (curl, scripts) are not browsers riding a cookie.
 */
export const fromAllowedOrigin = createMiddleware<AppEnv>(async (c, next) => {
  const origin = c.req.header('Origin');
  if (
    origin !== undefined &&
    origin !== new URL(c.req.url).origin &&
    !c.var.config.ALLOWED_ORIGINS.includes(origin)
  ) {
    return jsonError(403, 'forbidden-origin');
  }
  await next();
});

const smallBody = bodyLimit({ maxSize: 4096, onError: () => jsonError(413, 'body-too-large') });

export const auth = new Hono<AppEnv>()
  .post('/login', fromAllowedOrigin, smallBody, async (c) => {
    // Every attempt counts, right or wrong: a limit that only counted failures would still
    // answer whether a guess was right. The client's own limit first, so that one noisy
    // client spends its own budget, not the gallery's (login-limits.ts has the numbers).
    const client = clientKey(c.req.header('CF-Connecting-IP'));
    const retry = { 'Retry-After': String(LOGIN_WINDOW_SECONDS) };
    if (!(await c.env.LOGIN_LIMITER.limit({ key: `login:${client}` })).success) {
      return jsonError(429, 'rate-limited', retry);
    }
    if (!(await c.env.LOGIN_CEILING.limit({ key: 'login:gallery' })).success) {
      console.warn('viewer: the gallery-wide login ceiling was reached');
      return jsonError(429, 'rate-limited', retry);
    }
    const password = await readPassword(c.req.raw);
    if (typeof password !== 'string') return jsonError(password.status, password.reason);
    const role = await roleOf(password, c.var.config);
    if (role === undefined) return jsonError(401, 'wrong-password');
    // The session first: its Set-Cookie stays the response's first (tools read that one).
    const device = await readDevice(c);
    const session = await startSession(c, role, device.id);
    sendDevice(c, device);
    return c.json({ ok: true, expiresAt: session.expiresAt, role });
  })
  .post('/logout', fromAllowedOrigin, (c) => {
    endSession(c);
    return c.json({ ok: true });
  })
  .get('/auth', async (c) => {
    const signedIn = await readSession(c);
    if (!signedIn) {
      // A stale cookie (expired, signed out by a version bump, forged) is dropped.
      if (c.req.header('Cookie')) endSession(c);
      return c.json({ authenticated: false });
    }
    const { expiresAt, role } = signedIn.session;
    return c.json({ authenticated: true, expiresAt, role });
  });

async function readPassword(
  request: Request,
): Promise<string | { status: 400 | 415; reason: string }> {
  const type = request.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  let password: unknown;
  try {
    if (type === 'application/json') {
      const body: unknown = await request.json();
      password = typeof body === 'object' && body !== null && 'password' in body && body.password;
    } else if (type === 'application/x-www-form-urlencoded' || type === 'multipart/form-data') {
      password = (await request.formData()).get('password');
    } else {
      return { status: 415, reason: 'unsupported-media-type' };
    }
  } catch {
    return { status: 400, reason: 'bad-body' };
  }
  return typeof password === 'string' ? password : { status: 400, reason: 'missing-password' };
}

/**
 * Compares MACs, so the time taken says nothing about the password or its length; both
 * passwords are always compared, so it says nothing about which one matched either.
 */
async function roleOf(candidate: string, config: Settings): Promise<Role | undefined> {
  const mac = async (password: string) =>
    toBase64Url(await hmac(config.AUTH_SECRET, 'gallery-password', password));
  const [given, guest, owner] = await Promise.all([
    mac(candidate),
    mac(config.GALLERY_PASSWORD),
    mac(config.OWNER_PASSWORD),
  ]);
  const isOwner = equalInConstantTime(given, owner);
  const isGuest = equalInConstantTime(given, guest);
  return isOwner ? 'owner' : isGuest ? 'guest' : undefined;
}
