// Shared by the tests: a worker with its own clock and isolate, a seeded video in the
// real local R2 bucket, playback tokens signed with the test secret, and the admin API.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import {
  parsePlaybackKeys,
  signPlaybackToken,
  verifyPlaybackToken,
  verifyPresignedUrl,
} from '@edge-gallery/r2-signer';
import { beforeAll, expect } from 'vitest';
import type { Isolate } from '../src/visit.ts';

export { failing, recording, resetKv } from './bindings.ts';

import { createWorker, type WorkerOptions } from '../src/worker.ts';

/** vitest.config.mts gives PLAYBACK_TOKEN_SECRET = "k1:<this>". */
export const PLAYBACK_KEY = { id: 'k1', secret: 'test-playback-secret-0123456789' };
export const ADMIN_TOKEN = 'test-admin-token';
export const S3_CREDENTIALS = {
  accessKeyId: 'test-access-key',
  secretAccessKey: 'test-secret-key',
};

/** 2030-01-01T00:00:00Z: tests run on a fixed clock, aligned to every playlist window. */
export const T0 = Date.UTC(2030, 0, 1);

let counter = 0;
/** A video id no other test uses, so that no test sees another's cache entries. */
export function uniqueVideoId(label = 'video'): string {
  counter += 1;
  return `${label}-${counter}-${Math.random().toString(36).slice(2, 8)}`;
}

export type TestWorker = {
  clock: { now: number };
  isolate: Isolate;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Like fetch, and also waits for the background work (cache writes) of the request. */
  settle(path: string, init?: RequestInit): Promise<Response>;
};

/** A fresh isolate of the worker (own memory caches and config memo) on a test clock. */
export function testWorker(
  options: WorkerOptions & { start?: number; env?: Env } = {},
): TestWorker {
  const clock = { now: options.start ?? T0 };
  const worker = createWorker({ ...options, now: () => clock.now });
  const run = async (path: string, init: RequestInit | undefined, wait: boolean) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(new URL(path, 'https://video.test'), init),
      options.env ?? env,
      ctx,
    );
    if (wait) await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    clock,
    isolate: worker.isolate,
    fetch: (path, init) => run(path, init, false),
    settle: (path, init) => run(path, init, true),
  };
}

export type TokenOptions = {
  bucket?: number;
  expiresAt?: number;
  key?: { id: string; secret: string };
};

/** A playback token query for one video, valid for an hour after T0 unless told otherwise. */
export function tokenFor(videoId: string, options: TokenOptions = {}): string {
  return signPlaybackToken(
    {
      scope: `hls/${videoId}/`,
      expiresAt: options.expiresAt ?? T0 / 1000 + 3600,
      bucket: options.bucket ?? 0,
    },
    options.key ?? PLAYBACK_KEY,
  );
}

export const masterUrl = (videoId: string, token: string) =>
  `/api/hls/playlist?key=${videoId}&${token}`;

export const MASTER = `#EXTM3U
#EXT-X-VERSION:7
#EXT-X-STREAM-INF:BANDWIDTH=712800,RESOLUTION=960x540,CODECS="avc1.4d401f,mp4a.40.2"
540p/index.m3u8
#EXT-X-STREAM-INF:BANDWIDTH=250800,RESOLUTION=426x240,CODECS="avc1.4d4015,mp4a.40.2"
240p/index.m3u8
`;

export function variantPlaylist(segments: number): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:2',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  for (let i = 0; i < segments; i++) lines.push('#EXTINF:2.000000,', `seg${i}.m4s`);
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join('\n');
}

/** The bytes of a (fake) segment: distinct per key, so a wrong answer cannot pass. */
export const segmentBytes = (key: string) =>
  new TextEncoder().encode(`segment bytes of ${key}\n`.repeat(8));

/** A two-variant video in the local bucket: master, variant playlists, init and segments. */
export async function seedVideo(videoId: string, segments = 3): Promise<void> {
  const put = (key: string, body: string | Uint8Array) =>
    env.MEDIA.put(`hls/${videoId}/${key}`, body);
  await put('master.m3u8', MASTER);
  for (const variant of ['540p', '240p']) {
    await put(`${variant}/index.m3u8`, variantPlaylist(segments));
    await put(`${variant}/init.mp4`, segmentBytes(`hls/${videoId}/${variant}/init.mp4`));
    for (let i = 0; i < segments; i++) {
      const key = `hls/${videoId}/${variant}/seg${i}.m4s`;
      await put(`${variant}/seg${i}.m4s`, segmentBytes(key));
    }
  }
}

/** A video seeded once for the file (before its first test), under an id of its own. */
export function seededVideo(label: string, segments = 3): string {
  const videoId = uniqueVideoId(label);
  beforeAll(() => seedVideo(videoId, segments));
  return videoId;
}

const KEYS = parsePlaybackKeys(`${PLAYBACK_KEY.id}:${PLAYBACK_KEY.secret}`);

/** The storage key a URI back to this worker names, and its playback-token verdict. */
export function verifyTokenUri(uri: string, now: number) {
  const url = new URL(uri, 'https://video.test');
  expect(url.origin).toBe('https://video.test');
  expect(url.pathname.startsWith('/api/hls/')).toBe(true);
  const key = decodeURIComponent(url.pathname.slice('/api/'.length));
  return { key, verdict: verifyPlaybackToken(url.searchParams, KEYS, { path: key, now }) };
}

/** The signer's own verdict on a presigned URL to the test bucket. */
export function verifyPresigned(uri: string, now: number, method: 'GET' | 'HEAD' = 'GET') {
  return verifyPresignedUrl(uri, { credentials: S3_CREDENTIALS, region: 'auto', now, method });
}

/** The URIs of a playlist: URI lines and URI="..." attributes, in order. */
export function urisOf(playlist: string): string[] {
  const uris: string[] = [];
  for (const raw of playlist.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === '') continue;
    if (!line.startsWith('#')) uris.push(line);
    for (const match of line.matchAll(/URI="([^"]*)"/g)) uris.push(match[1]!);
  }
  return uris;
}

export const adminHeaders = (token = ADMIN_TOKEN): HeadersInit => ({
  Authorization: `Bearer ${token}`,
  'Content-Type': 'application/json',
});

/** Publishes a config through the admin API; fails the test unless it is accepted. */
export async function publishConfig(worker: TestWorker, document: unknown): Promise<string> {
  const response = await worker.fetch('/admin/config', {
    method: 'PUT',
    headers: adminHeaders(),
    body: JSON.stringify(document),
  });
  if (response.status !== 201) {
    throw new Error(`publish failed: ${response.status} ${await response.text()}`);
  }
  return ((await response.json()) as { version: string }).version;
}

/** A body as text (Response.text() warns about the HLS media type inside workerd). */
export async function textOf(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}

/** A rollout where bucket 0 presigns, 40 gets token URLs and 80 the public base. */
export const ALL_STRATEGIES = {
  rollout: { presign: 34, token: 33, public: 33 },
  publicBase: 'https://media.example.com',
};
export const BUCKET = { presign: 0, token: 40, public: 80 } as const;
