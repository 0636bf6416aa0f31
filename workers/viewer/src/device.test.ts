import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { importedVideo, insertMedia } from '../test/media.ts';
import { call, clientAddress, DEPLOYED, LOCAL, login, signInOwner } from '../test/visitor.ts';
import { rolloutBucket } from './routes/playback.ts';

// A browser's cookie jar, as far as these tests need one: name → value, from Set-Cookie.
type Jar = Map<string, string>;

function store(jar: Jar, response: Response): void {
  for (const line of response.headers.getSetCookie()) {
    const [pair, ...attributes] = line.split(';');
    const [name, value] = pair!.split('=') as [string, string];
    if (attributes.some((attribute) => /^\s*max-age=0$/i.test(attribute))) jar.delete(name);
    else jar.set(name, value);
  }
}

const header = (jar: Jar) => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');

async function logIn(jar: Jar, password = env.GALLERY_PASSWORD, base = LOCAL) {
  const response = await call(
    '/login',
    {
      method: 'POST',
      headers: {
        'Content-Type': 'application/json',
        'CF-Connecting-IP': clientAddress(),
        Cookie: header(jar),
      },
      body: JSON.stringify({ password }),
    },
    base,
  );
  expect(response.status).toBe(200);
  store(jar, response);
  return response;
}

async function logOut(jar: Jar, base = LOCAL) {
  const response = await call(
    '/logout',
    { method: 'POST', headers: { Cookie: header(jar) } },
    base,
  );
  store(jar, response);
}

/** The rollout bucket the playback token of this jar's session carries. */
async function bucketOf(jar: Jar | string, base = LOCAL): Promise<number> {
  const cookie = typeof jar === 'string' ? jar : header(jar);
  const response = await call(
    '/api/videos/device-test/playback',
    { headers: { Cookie: cookie } },
    base,
  );
  expect(response.status).toBe(200);
  const { query } = await response.json<{ query: string }>();
  return Number(new URLSearchParams(query).get('bucket'));
}

const deviceIdOf = (jar: Jar) => jar.get('gallery_device')?.split('.')[0];

beforeAll(async () => {
  await insertMedia(importedVideo('dv1', 'Toast', { video_id: 'device-test', duration_sec: 12 }));
});

describe('device id cookie', () => {
  it('is set at login: HttpOnly, SameSite=Lax, Path=/, 400 days, no Secure on localhost', async () => {
    const response = await login(env.GALLERY_PASSWORD);
    const device = response.headers
      .getSetCookie()
      .find((line) => line.startsWith('gallery_device='));
    expect(device).toMatch(/^gallery_device=[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43};/);
    expect(device).toContain('HttpOnly');
    expect(device).toContain('SameSite=Lax');
    expect(device).toContain('Path=/');
    expect(device).toContain(`Max-Age=${400 * 24 * 3600}`);
    expect(device).not.toContain('Secure');
    expect(device).not.toContain('Domain');
    // The session's cookie stays the first Set-Cookie (tools take that one).
    expect(response.headers.getSetCookie()[0]).toMatch(/^gallery_session=/);
  });

  it('is Secure with the __Host- prefix anywhere but localhost, like the session', async () => {
    const jar: Jar = new Map();
    const response = await logIn(jar, env.GALLERY_PASSWORD, DEPLOYED);
    const device = response.headers.getSetCookie().find((line) => line.includes('gallery_device='));
    expect(device).toMatch(/^__Host-gallery_device=/);
    expect(device).toContain('Secure');
    const first = deviceIdOf(new Map([['gallery_device', jar.get('__Host-gallery_device')!]]));
    await logIn(jar, env.GALLERY_PASSWORD, DEPLOYED);
    expect(jar.get('__Host-gallery_device')?.split('.')[0]).toBe(first);
    // Without the prefix (as a sibling subdomain could set it) it is not read: a new device.
    const unprefixed: Jar = new Map([['gallery_device', jar.get('__Host-gallery_device')!]]);
    await logIn(unprefixed, env.GALLERY_PASSWORD, DEPLOYED);
    expect(unprefixed.get('__Host-gallery_device')?.split('.')[0]).not.toBe(first);
  });

  it('survives logout: five logins from one browser keep one device and one rollout bucket', async () => {
    const jar: Jar = new Map();
    const buckets = new Set<number>();
    const devices = new Set<string | undefined>();
    for (let i = 0; i < 5; i++) {
      await logIn(jar);
      expect(jar.has('gallery_session')).toBe(true);
      buckets.add(await bucketOf(jar));
      devices.add(deviceIdOf(jar));
      await logOut(jar);
      expect(jar.has('gallery_session')).toBe(false);
      expect(jar.has('gallery_device')).toBe(true);
    }
    expect(devices.size).toBe(1);
    expect([...buckets]).toEqual([await rolloutBucket(env.AUTH_SECRET, [...devices][0]!)]);
  });

  it('spreads different browsers over the buckets', async () => {
    const buckets: number[] = [];
    for (let i = 0; i < 30; i++)
      buckets.push(await bucketOf(new Map((await freshLogin()).entries())));
    // 30 devices over 100 buckets: about 26 distinct expected; under 15 is a broken spread.
    expect(new Set(buckets).size).toBeGreaterThanOrEqual(15);
    // Over many devices every bucket is reached (the derivation, without logins).
    const all = new Set<number>();
    for (let i = 0; i < 2000; i++) {
      all.add(await rolloutBucket(env.AUTH_SECRET, crypto.randomUUID()));
    }
    expect(all.size).toBe(100);
  });

  it('ignores and replaces an altered or forged device id', async () => {
    const jar = await freshLogin();
    const [id, mac] = jar.get('gallery_device')!.split('.') as [string, string];
    const flip = (text: string, at: number) =>
      text.slice(0, at) + (text[at] === 'A' ? 'B' : 'A') + text.slice(at + 1);
    const forgeries = [
      `${flip(id, 3)}.${mac}`, // another id under this one's signature
      `${id}.${flip(mac, 5)}`, // an altered signature
      `${id}`, // no signature
      `${'A'.repeat(22)}.${'A'.repeat(43)}`, // made up
      // A session cookie's value: signed by the same secret, never for this purpose.
      decodeURIComponent(jar.get('gallery_session')!),
      `${id}.${mac}.${mac}`,
    ];
    for (const forged of forgeries) {
      const other: Jar = new Map([['gallery_device', forged]]);
      await logIn(other);
      const replaced = deviceIdOf(other);
      expect(replaced, forged).toMatch(/^[A-Za-z0-9_-]{22}$/);
      expect(replaced, forged).not.toBe(id);
      expect(other.get('gallery_device'), forged).not.toBe(forged);
      expect(await bucketOf(other)).toBe(await rolloutBucket(env.AUTH_SECRET, replaced!));
    }
  });

  it('is never trusted for authorisation', async () => {
    const owner: Jar = new Map();
    await logIn(owner, env.OWNER_PASSWORD);
    const ownerDevice = owner.get('gallery_device')!;
    // The device cookie alone is no session.
    const deviceOnly = `gallery_device=${ownerDevice}`;
    expect((await call('/api/media', { headers: { Cookie: deviceOnly } })).status).toBe(401);
    expect((await call('/api/review', { headers: { Cookie: deviceOnly } })).status).toBe(401);
    expect(await (await call('/auth', { headers: { Cookie: deviceOnly } })).json()).toEqual({
      authenticated: false,
    });
    // The owner's device gives a guest who signs in on it nothing of the owner's role.
    await logOut(owner);
    await logIn(owner);
    expect(deviceIdOf(owner)).toBe(ownerDevice.split('.')[0]);
    expect((await call('/api/review', { headers: { Cookie: header(owner) } })).status).toBe(403);
    // A session's device is the one signed into it at login: another device cookie sent with
    // it later changes neither its bucket nor whose uploads it sees.
    const guest = await freshLogin();
    const mine = await bucketOf(guest);
    const session = `gallery_session=${guest.get('gallery_session')}`;
    for (let i = 0; i < 5; i++) {
      const stranger = await freshLogin();
      expect(await bucketOf(`${session}; gallery_device=${stranger.get('gallery_device')}`)).toBe(
        mine,
      );
    }
    expect((await signInOwner()).startsWith('gallery_session=')).toBe(true);
  });
});

describe('uploads by device', () => {
  it('records the device as the uploader: signed in again on it, a guest still sees their pending items', async () => {
    const phone = await freshLogin();
    const device = deviceIdOf(phone)!;
    await insertMedia({
      id: 'dv2',
      kind: 'image',
      title: 'Cake',
      taken_at: '2024-06-01T12:00:00.000Z',
      width: 4,
      height: 3,
      bytes: 1,
      original_key: 'uploads/dv2/original.jpg',
      thumbnail_key: 'uploads/dv2/thumbnail.jpg',
      video_id: null,
      duration_sec: null,
      state: 'pending',
      uploaded_by: device,
    });
    const pendingIds = async (jar: Jar) => {
      const response = await call('/api/uploads', { headers: { Cookie: header(jar) } });
      expect(response.status).toBe(200);
      return (await response.json<{ items: { id: string }[] }>()).items.map((item) => item.id);
    };
    expect(await pendingIds(phone)).toEqual(['dv2']);
    await logOut(phone);
    await logIn(phone);
    expect(await pendingIds(phone)).toEqual(['dv2']);
    expect(await pendingIds(await freshLogin())).toEqual([]);
  });
});

async function freshLogin(): Promise<Jar> {
  const jar: Jar = new Map();
  await logIn(jar);
  return jar;
}
