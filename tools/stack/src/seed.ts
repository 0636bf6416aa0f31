import { createHash } from 'node:crypto';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RolloutConfig } from '@edge-gallery/video-streaming/config/document';
import { currentVersion, publishConfig } from '@edge-gallery/video-streaming/config/versions';
import { demoDir, stateDir, urls } from './layout.ts';
import { applyMigrations, type LocalState, migrationNames, openLocalState } from './local-state.ts';
import { type MediaRow, mediaInsert, mediaRow } from './media-row.ts';

// Seeding the local state with the demo media, once: D1 migrations, the media rows,
// the R2 objects, the viewer's cache versions and the video worker's first config.
// A marker in the state directory records what was seeded; a later start seeds again
// only when the demo manifest or its files changed, and migrates only when the
// viewer's migrations changed. Every step is idempotent, so a half-finished seed
// (interrupted start) is simply repeated.

export type DemoManifest = {
  bucket: string;
  rows: MediaRow[];
  /** Every object key; the file is `demo/<key>`. */
  objects: string[];
  /** What the end-to-end tests expect of each video. */
  videos: Record<
    string,
    { frames: number; renditions: { name: string; width: number; height: number }[] }
  >;
};

export function readDemoManifest(dir: string = demoDir): DemoManifest {
  return JSON.parse(readFileSync(join(dir, 'media.json'), 'utf8')) as DemoManifest;
}

/** Changes when the manifest or any demo file changes. */
export function demoFingerprint(dir: string = demoDir): string {
  const hash = createHash('sha256').update(readFileSync(join(dir, 'media.json')));
  for (const key of readDemoManifest(dir).objects)
    hash.update(key).update(readFileSync(join(dir, key)));
  return hash.digest('hex');
}

/** The video worker's first published config: everything presigned. */
export const DEFAULT_VIDEO_CONFIG: RolloutConfig = {
  rollout: { presign: 100, token: 0, public: 0 },
  presignTtlSeconds: 3600,
  playlistWindowSeconds: 300,
  // The dev S3 endpoint's unsigned prefix stands in for a public custom domain.
  publicBase: `${urls.devS3}/public`,
  allowedOrigins: ['http://localhost:5173', 'http://127.0.0.1:5173'],
  debug: false,
  kvPlaylistCache: false,
};

export type SeedReport = { rows: number; objects: number; configPublished: boolean };

/** Puts the demo into open local state; safe to repeat. `reseed` bumps thumbnail_version. */
export async function seedDemo(
  state: LocalState,
  { dir = demoDir, reseed = false }: { dir?: string; reseed?: boolean } = {},
): Promise<SeedReport> {
  const manifest = readDemoManifest(dir);

  await state.db.batch(
    manifest.rows.map((row) => {
      const { sql, params } = mediaInsert(mediaRow(row), 'replace');
      return state.db.prepare(sql).bind(...params);
    }),
  );

  // No stored Content-Type: serveObject derives it from the extension, as for any upload without one.
  for (const key of manifest.objects) {
    const path = join(dir, key);
    await state.putObject(key, { path, size: statSync(path).size });
  }

  // Missing = 1 (the viewer reads it so); written so the keys are visible. A bumped version is kept,
  // except that new demo thumbnails need a new one.
  const thumbnailVersion = Number((await state.cacheVersion.get('thumbnail_version')) ?? '0');
  if (thumbnailVersion === 0 || reseed) {
    await state.cacheVersion.put('thumbnail_version', String(Math.max(thumbnailVersion, 0) + 1));
  }
  if ((await state.cacheVersion.get('auth_version')) === null) {
    await state.cacheVersion.put('auth_version', '1');
  }

  // The video worker's versioned config, published as its admin API does (the worker owns
  // the KV layout). An existing pointer means someone published through the admin API:
  // never overwrite it.
  let configPublished = false;
  if ((await currentVersion(state.videoCache)) === undefined) {
    await publishConfig(state.videoCache, DEFAULT_VIDEO_CONFIG, Date.now());
    configPublished = true;
  }
  return { rows: manifest.rows.length, objects: manifest.objects.length, configPublished };
}

type SeedMarker = { demo: string; migrations: string[]; seededAt: string };

export const markerFile = (persistTo: string) => join(persistTo, 'edge-gallery-seed.json');

export type PrepareReport = { migrated: boolean; seeded: SeedReport | undefined };

/**
 * Brings the local state up to date before the workers start: migrations when the
 * viewer's migration files changed, the demo when it changed (or was never seeded).
 * A second start with nothing changed touches nothing and opens no bindings.
 */
export async function prepareLocalState({
  persistTo = stateDir,
  dir = demoDir,
}: {
  persistTo?: string;
  dir?: string;
} = {}): Promise<PrepareReport> {
  const file = markerFile(persistTo);
  const marker = existsSync(file)
    ? (JSON.parse(readFileSync(file, 'utf8')) as SeedMarker)
    : undefined;
  const migrations = migrationNames();
  const demo = demoFingerprint(dir);
  const migrate = marker === undefined || marker.migrations.join('\n') !== migrations.join('\n');
  const seed = marker === undefined || marker.demo !== demo;
  if (!migrate && !seed) return { migrated: false, seeded: undefined };

  if (migrate) await applyMigrations(persistTo);
  let seeded: SeedReport | undefined;
  if (seed) {
    const state = await openLocalState(persistTo);
    try {
      seeded = await seedDemo(state, { dir, reseed: marker !== undefined });
    } finally {
      await state.dispose();
    }
  }
  const next: SeedMarker = { demo, migrations, seededAt: new Date().toISOString() };
  writeFileSync(file, `${JSON.stringify(next, null, 2)}\n`);
  return { migrated: migrate, seeded };
}
