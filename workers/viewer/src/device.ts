import { equalInConstantTime, toBase64Url } from '@edge-gallery/r2-signer';
import type { Context } from 'hono';
import { getCookie, setCookie } from 'hono/cookie';
import type { AppEnv } from './env.ts';
import { cookieOptions } from './session.ts';
import { hmac } from './signature.ts';

/**
 * The browser a visitor uses, remembered across logins and logouts: a random id in a
 * first-party cookie, `<id>.<mac>`, HMAC-signed under AUTH_SECRET with its own purpose (so
 * no other signed value of the viewer passes for one). It keeps the rollout bucket of a
 * device put (a visitor cannot pick the canary by signing in again) and names the uploader.
 *
 * It identifies, never authorises: only login reads it, to copy the id into the session it
 * signs; no route grants anything for it, and a missing, altered or forged one is replaced.
 */
const NAME = 'gallery_device';
const VALUE = /^([A-Za-z0-9_-]{22})\.([A-Za-z0-9_-]{43})$/;
const PURPOSE = 'device-id';
// Chrome caps a cookie's lifetime at 400 days; every login sends it again with a fresh one.
const MAX_AGE_SECONDS = 400 * 24 * 60 * 60;

export type Device = { id: string; mac: string };

/** The device of a valid cookie, else a new one (a missing, altered or forged cookie). */
export async function readDevice(c: Context<AppEnv>): Promise<Device> {
  const secret = c.var.config.AUTH_SECRET;
  const { prefix } = cookieOptions(c);
  const value = prefix ? getCookie(c, NAME, prefix) : getCookie(c, NAME);
  const match = typeof value === 'string' ? VALUE.exec(value) : null;
  if (match) {
    const [, id, mac] = match as unknown as [string, string, string];
    if (equalInConstantTime(mac, toBase64Url(await hmac(secret, PURPOSE, id)))) return { id, mac };
  }
  const id = toBase64Url(crypto.getRandomValues(new Uint8Array(16)));
  return { id, mac: toBase64Url(await hmac(secret, PURPOSE, id)) };
}

/** Sends the device cookie, a known one too: its lifetime starts again at every login. */
export function sendDevice(c: Context<AppEnv>, device: Device): void {
  setCookie(c, NAME, `${device.id}.${device.mac}`, {
    ...cookieOptions(c),
    maxAge: MAX_AGE_SECONDS,
  });
}
