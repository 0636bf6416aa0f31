// Makes the committed icons in public/icons/ from one drawing (run after changing it:
// `node build/icons.ts`). sharp (librsvg) rasterises; the PNGs are committed so a build
// needs no image library. No photo of any event: a plain picture glyph on the page's colours.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';

const out = join(import.meta.dirname, '..', 'public', 'icons');

/** The glyph: a framed landscape with a sun, in the accent colour, centred at 256,256. */
const glyph = (scale: number) => `
  <g transform="translate(256 256) scale(${scale}) translate(-256 -256)" fill="none" stroke="#f0c36a" stroke-width="28" stroke-linejoin="round" stroke-linecap="round">
    <rect x="96" y="136" width="320" height="240" rx="28"/>
    <path d="M112 352 L208 248 L276 316 L320 272 L400 352"/>
    <circle cx="336" cy="204" r="26" fill="#f0c36a" stroke="none"/>
  </g>`;

/** `any`: rounded square; `maskable`: full bleed, glyph inside the 80% safe circle. */
export function iconSvg(purpose: 'any' | 'maskable'): string {
  const background =
    purpose === 'any'
      ? '<rect width="512" height="512" rx="112" fill="#1b1d21"/>'
      : '<rect width="512" height="512" fill="#1b1d21"/>';
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 512 512"><title>Gallery</title>${background}${glyph(
    purpose === 'any' ? 1 : 0.8,
  )}</svg>\n`;
}

/** The default link preview (1200×630, what chat apps show): the glyph, no event photo. */
function previewSvg(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 1200 630"><rect width="1200" height="630" fill="#111214"/><g transform="translate(344 59)">${iconSvg('any').replace(/<\/?svg[^>]*>/g, '')}</g></svg>`;
}

async function main() {
  mkdirSync(out, { recursive: true });
  writeFileSync(join(out, 'icon.svg'), iconSvg('any'));
  const png = (svg: string, size: number, file: string) =>
    sharp(Buffer.from(svg), { density: 300 })
      .resize(size, size)
      .png({ compressionLevel: 9, palette: true })
      .toFile(join(out, file));
  await png(iconSvg('any'), 192, 'icon-192.png');
  await png(iconSvg('any'), 512, 'icon-512.png');
  await png(iconSvg('maskable'), 512, 'icon-maskable-512.png');
  await png(iconSvg('maskable'), 180, 'apple-touch-icon.png');
  await png(iconSvg('any'), 32, 'favicon-32.png');
  await sharp(Buffer.from(previewSvg()), { density: 144 })
    .resize(1200, 630)
    .png({ compressionLevel: 9, palette: true })
    .toFile(join(out, 'preview.png'));
}

if (import.meta.main) await main();
