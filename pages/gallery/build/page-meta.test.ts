import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { build } from 'vite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { headTags, pageMetaFromEnv, webManifest } from './page-meta.ts';

const root = join(import.meta.dirname, '..');

/** Width and height from a PNG's IHDR chunk. */
function pngSize(bytes: Buffer): { width: number; height: number } {
  expect(bytes.subarray(1, 4).toString('latin1')).toBe('PNG');
  return { width: bytes.readUInt32BE(16), height: bytes.readUInt32BE(20) };
}

/** The content of `<meta property|name="key">` in an HTML document. */
function metaContent(html: string, key: string): string | undefined {
  const match = new RegExp(`<meta (?:property|name)="${key}" content="([^"]*)"`).exec(html);
  return match?.[1];
}

describe('link preview settings', () => {
  it('defaults to the gallery name and a card with no photo of the event', () => {
    const meta = pageMetaFromEnv({ GALLERY_NAME: 'Lia & Sam' }, root);
    expect(meta.image).toEqual({
      url: '/icons/preview.png',
      width: 1200,
      height: 630,
      alt: 'Lia & Sam',
    });
    expect(meta.description).toMatch(/Lia & Sam/);
  });

  it('shows no image at all with GALLERY_OG_IMAGE=none', () => {
    const meta = pageMetaFromEnv({ GALLERY_OG_IMAGE: 'none' }, root);
    expect(meta.image).toBeUndefined();
    expect(headTags(meta)).not.toMatch(/og:image/);
    expect(metaContent(headTags(meta), 'twitter:card')).toBe('summary');
  });

  it('uses a cover the owner chose, at an absolute URL once the public address is known', () => {
    const meta = pageMetaFromEnv(
      { GALLERY_OG_IMAGE: 'public/icons/icon-512.png', GALLERY_PUBLIC_URL: 'https://p.example/' },
      root,
    );
    expect(meta.image?.url).toBe('https://p.example/og-image.png');
    expect(meta.imageFile).toBe(join(root, 'public/icons/icon-512.png'));
    expect(() => pageMetaFromEnv({ GALLERY_OG_IMAGE: 'cover.gif' }, root)).toThrow(/\.jpg, \.png/);
    expect(() => pageMetaFromEnv({ GALLERY_OG_IMAGE: 'missing.jpg' }, root)).toThrow(/no file/);
  });

  it('escapes the name wherever it goes into the HTML', () => {
    const tags = headTags(pageMetaFromEnv({ GALLERY_NAME: '<script>"x"&' }, root));
    expect(tags).not.toMatch(/<script>/);
    expect(tags).toContain('<title>&lt;script&gt;&quot;x&quot;&amp;</title>');
  });
});

describe('the built page', () => {
  let out: string;
  let html: string;
  const saved = { ...process.env };

  beforeAll(async () => {
    out = mkdtempSync(join(tmpdir(), 'gallery-build-'));
    const cover = join(out, 'cover.jpg');
    writeFileSync(cover, readFileSync(join(root, 'public/icons/preview.png')));
    Object.assign(process.env, {
      GALLERY_NAME: 'Lia & Sam’s wedding',
      GALLERY_SHORT_NAME: 'Lia & Sam',
      GALLERY_PUBLIC_URL: 'https://photos.example.org/',
      GALLERY_OG_IMAGE: cover,
    });
    await build({
      root,
      configFile: join(root, 'vite.config.ts'),
      logLevel: 'silent',
      build: { outDir: join(out, 'dist'), emptyOutDir: true },
    });
    html = readFileSync(join(out, 'dist', 'index.html'), 'utf8');
  }, 120_000);

  afterAll(() => {
    process.env = saved;
    rmSync(out, { recursive: true, force: true });
  });

  it('carries the title, description and link preview tags', () => {
    expect(html).toContain('<title>Lia &amp; Sam’s wedding</title>');
    expect(metaContent(html, 'description')).toMatch(/^Photos and videos from Lia &amp; Sam’s/);
    expect(metaContent(html, 'og:title')).toBe('Lia &amp; Sam’s wedding');
    expect(metaContent(html, 'og:description')).toBe(metaContent(html, 'description'));
    expect(metaContent(html, 'og:url')).toBe('https://photos.example.org/');
    expect(metaContent(html, 'og:image')).toBe('https://photos.example.org/og-image.jpg');
    expect(metaContent(html, 'twitter:card')).toBe('summary_large_image');
    // The chosen cover is in the build, byte for byte.
    expect(readFileSync(join(out, 'dist', 'og-image.jpg'))).toEqual(
      readFileSync(join(root, 'public/icons/preview.png')),
    );
  });

  it('links a manifest that validates: name, display, icons of 192 and 512 px and a maskable one', () => {
    expect(html).toContain('<link rel="manifest" href="/manifest.webmanifest" />');
    expect(html).toMatch(/<link rel="icon" href="\/icons\/icon.svg"/);
    expect(html).toMatch(/<link rel="apple-touch-icon" href="\/icons\/apple-touch-icon.png"/);
    const manifest = JSON.parse(readFileSync(join(out, 'dist', 'manifest.webmanifest'), 'utf8'));
    expect(manifest).toMatchObject({
      name: 'Lia & Sam’s wedding',
      short_name: 'Lia & Sam',
      start_url: '/',
      display: 'standalone',
    });
    expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/);
    const png = (manifest.icons as { src: string; sizes: string; type: string; purpose: string }[])
      .filter((icon) => icon.type === 'image/png')
      .map((icon) => {
        const size = pngSize(readFileSync(join(out, 'dist', icon.src)));
        expect(icon.sizes).toBe(`${size.width}x${size.height}`);
        return `${icon.sizes} ${icon.purpose}`;
      });
    expect(png).toEqual(expect.arrayContaining(['192x192 any', '512x512 any', '512x512 maskable']));
    for (const icon of ['icon.svg', 'favicon-32.png', 'apple-touch-icon.png']) {
      expect(readFileSync(join(out, 'dist', 'icons', icon)).length).toBeGreaterThan(0);
    }
  });

  it('keeps the manifest in step with the settings', () => {
    const meta = pageMetaFromEnv({ GALLERY_NAME: 'X' }, root);
    expect(webManifest(meta).name).toBe('X');
  });
});
