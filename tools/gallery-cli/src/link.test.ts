// `gallery link` as the owner runs it (a separate process), its QR code read back by an
// independent decoder: zbarimg (Debian's zbar-tools) on the PNG, and on the SVG rendered
// by librsvg (sharp).
import { execFile, spawnSync } from 'node:child_process';
import { mkdtemp, readFile, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import sharp from 'sharp';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { joinLink, pageUrlOf, parseLinkArgs, passwordOf, writeQrCode } from './link.ts';

const cli = join(import.meta.dirname, 'cli.ts');
const run = promisify(execFile);
let out: string;

beforeAll(async () => {
  out = await mkdtemp(join(tmpdir(), 'gallery-link-'));
});
afterAll(async () => {
  await rm(out, { recursive: true, force: true });
});

const hasZbar = spawnSync('zbarimg', ['--version']).status === 0;

/** What a phone's camera would read: the QR code's text, byte for byte. */
async function decode(png: string): Promise<string> {
  const { stdout } = await run('zbarimg', [
    '--quiet',
    '--raw',
    '-Sdisable',
    '-Sqrcode.enable',
    png,
  ]);
  return stdout.replace(/\n$/, '');
}

function gallery(args: string[], password: string) {
  return run(process.execPath, [cli, 'link', ...args], {
    env: { ...process.env, GALLERY_PASSWORD: password, INIT_CWD: out },
  });
}

describe('join link', () => {
  it('puts the percent-encoded password in the fragment of the page URL', () => {
    expect(joinLink('https://photos.example/', 'abcd-efgh-jkmn')).toBe(
      'https://photos.example/#/join/abcd-efgh-jkmn',
    );
    expect(joinLink('https://photos.example/wedding?x=1#/media/a', 'p ä#/%')).toBe(
      'https://photos.example/wedding#/join/p%20%C3%A4%23%2F%25',
    );
    expect(() => joinLink('javascript:alert(1)', 'x')).toThrow(/http\(s\)/);
  });

  it('takes the page of each environment from the viewer’s ALLOWED_ORIGINS', () => {
    expect(pageUrlOf('local')).toBe('http://localhost:5173');
    expect(pageUrlOf('production')).toMatch(/^https:\/\//);
    expect(pageUrlOf('staging')).toMatch(/^https:\/\//);
  });

  it('accepts only the known environments', () => {
    expect(parseLinkArgs(['--env', 'prod'], '/')).toEqual({
      error: '--env must be local, staging or production, got prod',
    });
    expect(parseLinkArgs(['--url', 'https://a.example', '--out', 'cards'], '/home/o')).toEqual({
      env: 'local',
      url: 'https://a.example',
      out: '/home/o/cards',
    });
  });
});

describe.skipIf(!hasZbar)('gallery link', () => {
  it('prints the production link and writes a QR code that reads back as exactly that link', async () => {
    const password = 'wedding ä/#%-2026';
    const { stdout } = await gallery(['--env', 'production', '--out', 'cards'], password);
    const link = stdout.trim();
    expect(link).toBe(joinLink(pageUrlOf('production'), password));
    const png = join(out, 'cards', 'gallery-link-production.png');
    expect(await decode(png)).toBe(link);
    // The SVG too, drawn at print size by an independent renderer.
    const svg = await readFile(join(out, 'cards', 'gallery-link-production.svg'));
    const rendered = join(out, 'svg.png');
    await sharp(svg, { density: 300 }).flatten({ background: '#fff' }).png().toFile(rendered);
    expect(await decode(rendered)).toBe(link);
    // Only the owner may read files that hold the password.
    expect((await stat(png)).mode & 0o077).toBe(0);
  });

  it('writes a long link (a custom domain, a long password) that still reads back exactly', async () => {
    const link = joinLink('https://photos.example.org/our-wedding/', 'x'.repeat(120));
    const { png } = await writeQrCode(link, join(out, 'long'), 'local');
    expect(await decode(png)).toBe(link);
  });
});

describe('gallery link password', () => {
  it('is required for a remote environment, and named without a value', () => {
    expect(() => passwordOf('staging', {})).toThrow(/set GALLERY_PASSWORD to the staging/);
    expect(passwordOf('production', { GALLERY_PASSWORD: 's3cret' })).toBe('s3cret');
  });
});
