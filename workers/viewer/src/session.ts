import { jsonError } from '@edge-gallery/http';
import { toBase64Url } from '@edge-gallery/r2-signer';
import type { Context } from 'hono';
import { deleteCookie, getSignedCookie, setSignedCookie } from 'hono/cookie';
import { createMiddleware } from 'hono/factory';
import type { CookieOptions } from 'hono/utils/cookie';
import type { AppEnv } from './env.ts';
import { memoisedVersions, readVersions, type Versions } from './versions.ts';

/**
 * A signed-in visitor. Stateless: the cookie value is `<id>.<authVersion>.<expiresAt>`, then
 * `.owner` for the owner, then `.<device id>` (device.ts), HMAC-signed with AUTH_SECRET. It
 * ends when it expires, when the visitor logs out, or when `auth_version` in KV moves past
 * the version it carries.
 */
export type Session = {
  id: string;
  authVersion: number;
  expiresAt: number;
  role: Role;
  /**
   * The device the session was signed in on (its rollout bucket, its uploads). A session from
   * before device ids has its own id here, which is what it used for both then.
   */
  device: string;
};

/** `owner` only ever comes from OWNER_PASSWORD; the role is inside the signed value. */
export type Role = 'guest' | 'owner';

const NAME = 'gallery_session';
// A guest's value has no role part, so cookies issued before roles existed stay guests.
const VALUE =
  /^([A-Za-z0-9_-]{22})\.([1-9]\d{0,14})\.(\d{1,12})(\.owner)?(?:\.([A-Za-z0-9_-]{22}))?$/;

// Plain-http local development: a Secure cookie would not be stored or sent back by every
// browser, and `__Host-` requires Secure. Everywhere else: Secure and the `__Host-` prefix
// (no Domain attribute, Path=/, cannot be set by a sibling subdomain).
function isLocalhost(c: Context<AppEnv>): boolean {
  const { hostname } = new URL(c.req.url);
  return hostname === 'localhost' || hostname === '127.0.0.1' || hostname === '[::1]';
}

// SameSite=Lax, fixed. The browser reaches the viewer on the page's own origin (the Pages
// Function, the dev proxy), so the cookie is first-party and Lax never withholds it from the
// page. Strict would add nothing here — no GET changes state, POSTs are Origin-checked, and
// Lax already keeps the cookie off every cross-site subrequest and form post — and it would
// cost a signed-in guest who follows a link to an original from outside (a chat, a note): 401.
// None (a cookie for a page on another site) is what third-party-cookie blocking refuses.
const SAME_SITE = 'Lax';

export function cookieOptions(c: Context<AppEnv>): CookieOptions {
  if (isLocalhost(c)) return { path: '/', httpOnly: true, sameSite: SAME_SITE };
  return { path: '/', httpOnly: true, secure: true, sameSite: SAME_SITE, prefix: 'host' };
}

export async function startSession(
  c: Context<AppEnv>,
  role: Role,
  device: string,
): Promise<Session> {
  const { authVersion } = await readVersions(c.env.CACHE_VERSION);
  const ttl = c.var.config.SESSION_TTL_SECONDS;
  const session: Session = {
    id: toBase64Url(crypto.getRandomValues(new Uint8Array(16))),
    authVersion,
    expiresAt: Math.floor(Date.now() / 1000) + ttl,
    role,
    device,
  };
  const value = `${session.id}.${session.authVersion}.${session.expiresAt}${role === 'owner' ? '.owner' : ''}.${device}`;
  await setSignedCookie(c, NAME, value, c.var.config.AUTH_SECRET, {
    ...cookieOptions(c),
    maxAge: ttl,
  });
  return session;
}

export function endSession(c: Context<AppEnv>): void {
  deleteCookie(c, NAME, cookieOptions(c));
}

/** The visitor's valid session and the current versions, or undefined. */
export async function readSession(
  c: Context<AppEnv>,
): Promise<{ session: Session; versions: Versions } | undefined> {
  const { prefix } = cookieOptions(c);
  const value = prefix
    ? await getSignedCookie(c, c.var.config.AUTH_SECRET, NAME, prefix)
    : await getSignedCookie(c, c.var.config.AUTH_SECRET, NAME);
  const match = typeof value === 'string' ? VALUE.exec(value) : null;
  if (!match) return undefined;
  const session: Session = {
    id: match[1]!,
    authVersion: Number(match[2]),
    expiresAt: Number(match[3]),
    role: match[4] ? 'owner' : 'guest',
    device: match[5] ?? match[1]!,
  };
  if (session.expiresAt <= Date.now() / 1000) return undefined;
  const versions = await memoisedVersions(c.env.CACHE_VERSION, c.var.config.VERSIONS_MEMO_SECONDS, {
    source: (from) => c.set('versionsFrom', from),
  });
  if (session.authVersion !== versions.authVersion) return undefined;
  return { session, versions };
}

export const requireSession = createMiddleware<AppEnv>(async (c, next) => {
  const signedIn = await readSession(c);
  if (!signedIn) return jsonError(401, 'unauthenticated');
  c.set('session', signedIn.session);
  c.set('versions', signedIn.versions);
  await next();
});

/** After requireSession: the owner's routes. A guest is told no, not "not found". */
export const requireOwner = createMiddleware<AppEnv>(async (c, next) => {
  if (c.var.session.role !== 'owner') return jsonError(403, 'owner-only');
  await next();
});
