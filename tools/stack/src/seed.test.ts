import { existsSync, mkdtempSync, readFileSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PublishedConfig } from '@edge-gallery/video-streaming/config/document';
import { currentVersion, readVersion } from '@edge-gallery/video-streaming/config/versions';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoDir } from './layout.ts';
import { type LocalState, openLocalState } from './local-state.ts';
import { DEFAULT_VIDEO_CONFIG, markerFile, prepareLocalState, readDemoManifest } from './seed.ts';

process.env.CLOUDFLARE_CF_FETCH_ENABLED = 'false';
const manifest = readDemoManifest();

describe('demo media', () => {
  it('stays small enough to commit (≤ 3 MB)', () => {
    const total = manifest.objects.reduce((sum, key) => sum + statSync(join(demoDir, key)).size, 0);
    expect(total).toBeLessThanOrEqual(3 * 1024 * 1024);
  });

  it('has a dozen photos in varied aspect ratios and a video', () => {
    const photos = manifest.rows.filter((row) => row.kind === 'image');
    expect(photos.length).toBeGreaterThanOrEqual(12);
    expect(
      new Set(photos.map((row) => (row.width / row.height).toFixed(2))).size,
    ).toBeGreaterThanOrEqual(8);
    expect(manifest.rows.filter((row) => row.kind === 'video').length).toBeGreaterThanOrEqual(1);
  });

  it.each(manifest.rows)('$id: its original and thumbnail are demo files, bytes match', (row) => {
    expect(manifest.objects).toContain(row.original_key);
    expect(manifest.objects).toContain(row.thumbnail_key);
    expect(statSync(join(demoDir, row.original_key)).size).toBe(row.bytes);
    expect(Number.isNaN(Date.parse(row.taken_at))).toBe(false);
    expect(new Date(row.taken_at).toISOString()).toBe(row.taken_at);
  });

  it.each(manifest.rows.filter((row) => row.kind === 'video'))(
    '$video_id: a multi-variant HLS master whose every URI is a demo file',
    (row) => {
      const prefix = `hls/${row.video_id}/`;
      const master = readFileSync(join(demoDir, prefix, 'master.m3u8'), 'utf8');
      const variants = master.split('\n').filter((line) => line.endsWith('.m3u8'));
      expect(variants.length).toBe(manifest.videos[row.video_id!]!.renditions.length);
      expect(variants.length).toBeGreaterThanOrEqual(2);
      for (const variant of variants) {
        const playlist = readFileSync(join(demoDir, prefix, variant), 'utf8');
        const base = variant.slice(0, variant.lastIndexOf('/') + 1);
        const uris = [
          ...playlist.split('\n').filter((line) => line !== '' && !line.startsWith('#')),
          ...[...playlist.matchAll(/URI="([^"]+)"/g)].map((match) => match[1]!),
        ];
        expect(uris.length).toBeGreaterThan(1);
        for (const uri of uris) expect(existsSync(join(demoDir, prefix, base, uri))).toBe(true);
      }
    },
  );
});

describe('seeding the local state', () => {
  const persistTo = mkdtempSync(join(tmpdir(), 'stack-state-'));
  let state: LocalState;

  beforeAll(async () => {
    const first = await prepareLocalState({ persistTo });
    expect(first.migrated).toBe(true);
    expect(first.seeded).toEqual({
      rows: manifest.rows.length,
      objects: manifest.objects.length,
      configPublished: true,
    });
    state = await openLocalState(persistTo);
  });

  afterAll(async () => {
    await state?.dispose();
  });

  it('puts one D1 row per demo item, as the manifest has it', async () => {
    const { results } = await state.db.prepare('SELECT * FROM media ORDER BY taken_at, id').all();
    expect(results.map((row) => row.id)).toEqual(manifest.rows.map((row) => row.id));
    expect(results[0]).toMatchObject(manifest.rows[0]!);
  });

  it('puts every demo file into R2 at its key, byte for byte', async () => {
    for (const key of manifest.objects) {
      const object = await state.media.get(key);
      expect(
        Buffer.from(await object!.arrayBuffer()).equals(readFileSync(join(demoDir, key))),
      ).toBe(true);
    }
  });

  it("publishes the default video config through the worker's version store and sets the cache versions", async () => {
    const version = await currentVersion(state.videoCache);
    expect(version).toBeDefined();
    expect(await readVersion(state.videoCache, version!, DEFAULT_VIDEO_CONFIG)).toEqual(
      DEFAULT_VIDEO_CONFIG,
    );
    // What the worker's admin API would accept: the seed cannot publish a typo.
    expect(PublishedConfig.safeParse(DEFAULT_VIDEO_CONFIG).success).toBe(true);
    expect(await state.cacheVersion.get('thumbnail_version')).toBe('1');
    expect(await state.cacheVersion.get('auth_version')).toBe('1');
  });

  it('does nothing on a second start', async () => {
    await state.dispose();
    const marker = readFileSync(markerFile(persistTo), 'utf8');
    expect(await prepareLocalState({ persistTo })).toEqual({ migrated: false, seeded: undefined });
    expect(readFileSync(markerFile(persistTo), 'utf8')).toBe(marker);
    state = await openLocalState(persistTo);
  });
});
