// What a link to the gallery shows before anyone signs in — title, description and preview
// image for chat apps (Open Graph, Twitter cards) — and what "Add to Home Screen" installs
// (web app manifest, icons, favicon). Build-time settings, like GALLERY_NAME; the page
// behind the password stays private: the preview image is one the owner chose to make
// public (GALLERY_OG_IMAGE), or a plain card with no photo of the event.
import { existsSync, readFileSync } from 'node:fs';
import { extname, isAbsolute, resolve } from 'node:path';
import type { Plugin } from 'vite';

export type PageMeta = {
  name: string;
  shortName: string;
  description: string;
  /** Where the preview image is served (root-relative or absolute); undefined: no og:image. */
  image: { url: string; width?: number; height?: number; alt: string } | undefined;
  /** The owner's own cover file, copied into the build as `url`. */
  imageFile: string | undefined;
  /** GALLERY_PUBLIC_URL: the page's public address, for og:url and absolute image URLs. */
  publicUrl: string | undefined;
};

const THEME = '#111214';
/** The default preview: 1200×630, the icon on the page colour (build/icons.ts). */
const DEFAULT_IMAGE = { url: '/icons/preview.png', width: 1200, height: 630 };
const IMAGE_TYPES: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
};

export function pageMetaFromEnv(env: Record<string, string | undefined>, cwd: string): PageMeta {
  const name = env.GALLERY_NAME?.trim() || 'Our gallery';
  const description =
    env.GALLERY_DESCRIPTION?.trim() ||
    `Photos and videos from ${name}. Open it with the password or link you were given.`;
  const publicUrl = env.GALLERY_PUBLIC_URL?.trim() || undefined;
  if (publicUrl !== undefined && !/^https?:\/\//.test(publicUrl)) {
    throw new Error(`GALLERY_PUBLIC_URL must be an http(s) URL, got ${publicUrl}`);
  }
  const chosen = env.GALLERY_OG_IMAGE?.trim() || '';
  let image: PageMeta['image'];
  let imageFile: string | undefined;
  if (chosen === '') image = { ...DEFAULT_IMAGE, alt: name };
  else if (chosen === 'none') image = undefined;
  else if (/^https:\/\//.test(chosen)) image = { url: chosen, alt: name };
  else {
    imageFile = isAbsolute(chosen) ? chosen : resolve(cwd, chosen);
    const ext = extname(imageFile).toLowerCase();
    if (!IMAGE_TYPES[ext]) {
      throw new Error(`GALLERY_OG_IMAGE must be a .jpg, .png or .webp file, got ${chosen}`);
    }
    if (!existsSync(imageFile)) throw new Error(`GALLERY_OG_IMAGE: no file at ${imageFile}`);
    image = { url: `/og-image${ext === '.jpeg' ? '.jpg' : ext}`, alt: name };
  }
  if (image && publicUrl) image = { ...image, url: new URL(image.url, publicUrl).href };
  const shortName = env.GALLERY_SHORT_NAME?.trim() || name;
  return { name, shortName, description, image, imageFile, publicUrl };
}

const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!,
  );

/** The `<head>` tags: title, description, Open Graph / Twitter preview, manifest and icons. */
export function headTags(meta: PageMeta): string {
  const tag = (name: string, attrs: Record<string, string | number>) =>
    `<${name} ${Object.entries(attrs)
      .map(([key, value]) => `${key}="${escapeHtml(String(value))}"`)
      .join(' ')} />`;
  const property = (key: string, content: string | number) =>
    tag('meta', { property: key, content });
  const named = (key: string, content: string) => tag('meta', { name: key, content });
  const { image } = meta;
  return [
    `<title>${escapeHtml(meta.name)}</title>`,
    named('description', meta.description),
    property('og:type', 'website'),
    property('og:title', meta.name),
    property('og:description', meta.description),
    meta.publicUrl && property('og:url', meta.publicUrl),
    image && property('og:image', image.url),
    image?.width && property('og:image:width', image.width),
    image?.height && property('og:image:height', image.height),
    image && property('og:image:alt', image.alt),
    named('twitter:card', image ? 'summary_large_image' : 'summary'),
    // Search engines: a private gallery's page has nothing to index.
    named('robots', 'noindex'),
    named('application-name', meta.shortName),
    named('apple-mobile-web-app-title', meta.shortName),
    tag('link', { rel: 'manifest', href: '/manifest.webmanifest' }),
    tag('link', { rel: 'icon', href: '/icons/icon.svg', type: 'image/svg+xml' }),
    tag('link', { rel: 'icon', href: '/icons/favicon-32.png', type: 'image/png', sizes: '32x32' }),
    tag('link', { rel: 'apple-touch-icon', href: '/icons/apple-touch-icon.png' }),
  ]
    .filter(Boolean)
    .join('\n    ');
}

/** The web app manifest (W3C Web Application Manifest): installable with a proper name and icon. */
export function webManifest(meta: PageMeta) {
  return {
    id: '/',
    name: meta.name,
    short_name: meta.shortName,
    description: meta.description,
    start_url: '/',
    scope: '/',
    display: 'standalone',
    background_color: THEME,
    theme_color: THEME,
    icons: [
      { src: '/icons/icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
      { src: '/icons/icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
      {
        src: '/icons/icon-maskable-512.png',
        sizes: '512x512',
        type: 'image/png',
        purpose: 'maskable',
      },
      { src: '/icons/icon.svg', sizes: 'any', type: 'image/svg+xml', purpose: 'any' },
    ],
  };
}

/** Puts the tags into index.html and serves/emits the manifest and the owner's cover. */
export function pageMeta(meta: PageMeta): Plugin {
  const manifest = `${JSON.stringify(webManifest(meta), null, 2)}\n`;
  const cover = meta.imageFile && meta.image ? new URL(meta.image.url, 'http://x').pathname : '';
  return {
    name: 'edge-gallery:page-meta',
    transformIndexHtml: (html) => html.replace(/<title>[^<]*<\/title>/, headTags(meta)),
    configureServer(server) {
      server.middlewares.use((request, response, next) => {
        const path = request.url?.split('?')[0];
        if (path === '/manifest.webmanifest') {
          response.setHeader('content-type', 'application/manifest+json');
          response.end(manifest);
        } else if (cover && path === cover) {
          response.setHeader('content-type', IMAGE_TYPES[extname(cover)]!);
          response.end(readFileSync(meta.imageFile!));
        } else next();
      });
    },
    generateBundle() {
      this.emitFile({ type: 'asset', fileName: 'manifest.webmanifest', source: manifest });
      if (cover) {
        this.emitFile({
          type: 'asset',
          fileName: cover.slice(1),
          source: readFileSync(meta.imageFile!),
        });
      }
    },
  };
}
