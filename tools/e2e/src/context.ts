import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  type DemoManifest,
  readDemoManifest,
  repoRoot,
  stackVars,
  urls,
} from '@edge-gallery/stack';
import type { RolloutConfig } from '@edge-gallery/video-streaming/config/document';
import type { VersionId } from '@edge-gallery/video-streaming/config/versions';
import type { Strategy as VideoStrategy } from '@edge-gallery/video-streaming/strategy';

// What the end-to-end suites know about the running stack: its URLs (the fixed ports),
// the generated local secrets (the password, the admin token, the keys the tamper cases
// sign with) and the demo media it was seeded with.

export { urls };
export const SPA_ORIGIN = urls.spa;

const viewerVars = stackVars('viewer');
const videoVars = stackVars('video');

function required(vars: Map<string, string>, name: string): string {
  const value = vars.get(name);
  if (value === undefined)
    throw new Error(`${name} missing from .dev.vars: start the stack once (npm start)`);
  return value;
}

export const secrets = {
  password: required(viewerVars, 'GALLERY_PASSWORD'),
  adminToken: required(videoVars, 'ADMIN_TOKEN'),
  playbackTokenSecret: required(videoVars, 'PLAYBACK_TOKEN_SECRET'),
  accessKeyId: required(videoVars, 'R2_ACCESS_KEY_ID'),
  secretAccessKey: required(videoVars, 'R2_SECRET_ACCESS_KEY'),
};

export const demo: DemoManifest = readDemoManifest();
export const demoVideo = demo.rows.find((row) => row.kind === 'video')!;
export const videoId = demoVideo.video_id!;
export const demoFile = (key: string): Buffer => readFileSync(join(repoRoot, 'demo', key));

/** Logs in with the demo password; returns the session cookie (`name=value`) and the Set-Cookie line. */
export async function logIn(): Promise<{ cookie: string; setCookie: string }> {
  const response = await fetch(`${urls.viewer}/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', Origin: SPA_ORIGIN },
    body: JSON.stringify({ password: secrets.password }),
  });
  if (response.status !== 200) {
    const answer = `${response.status} ${await response.text()}`;
    throw new Error(
      `login with this checkout's password failed (${answer}): a stack of another checkout?`,
    );
  }
  const setCookie = response.headers.get('Set-Cookie') ?? '';
  return { cookie: setCookie.split(';')[0]!, setCookie };
}

export async function admin(
  path: string,
  init: RequestInit = {},
  token = secrets.adminToken,
): Promise<Response> {
  return fetch(`${urls.video}${path}`, {
    ...init,
    headers: {
      Authorization: `Bearer ${token}`,
      'Content-Type': 'application/json',
      ...init.headers,
    },
  });
}

export async function liveConfig(): Promise<{
  version: VersionId | null;
  config: RolloutConfig;
}> {
  const response = await admin('/admin/config');
  if (response.status !== 200) throw new Error(`GET /admin/config: ${response.status}`);
  return (await response.json()) as { version: VersionId | null; config: RolloutConfig };
}

/** The strategies guests get (`redirect` is the browser bench's baseline only). */
export type Strategy = Exclude<VideoStrategy, 'redirect'>;
export const STRATEGIES: readonly Strategy[] = ['presign', 'token', 'public'];

/** Publishes the live config with every rollout bucket on `strategy`. */
export async function useStrategy(strategy: Strategy): Promise<VersionId> {
  const { config } = await liveConfig();
  const rollout = { presign: 0, token: 0, public: 0, [strategy]: 100 };
  const response = await admin('/admin/config', {
    method: 'PUT',
    body: JSON.stringify({ ...config, rollout }),
  });
  if (response.status !== 201)
    throw new Error(`PUT /admin/config: ${response.status} ${await response.text()}`);
  return ((await response.json()) as { version: VersionId }).version;
}

/** A playback token for the demo video, as the SPA gets it. */
export async function playbackQuery(cookie: string, id = videoId): Promise<string> {
  const response = await fetch(`${urls.viewer}/api/videos/${id}/playback`, {
    headers: { Cookie: cookie },
  });
  if (response.status !== 200) throw new Error(`playback token: ${response.status}`);
  return ((await response.json()) as { query: string }).query;
}

/** The URL the SPA hands its player. */
export const masterUrl = (query: string, id = videoId) =>
  `${urls.video}/api/hls/playlist?key=${encodeURIComponent(id)}&${query}`;
