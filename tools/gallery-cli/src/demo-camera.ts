#!/usr/bin/env node
// The local stack's camera demo (DESIGN.md "Local stack"): camera-size JPEGs, an HEVC HEIC
// and a Live Photo pair, described by demo/camera.json, made here (ffmpeg draws the
// pictures, sharp writes EXIF, heif-enc encodes HEVC) rather than committed, then imported
// by running `gallery import` itself, so they get exactly what an owner's photos get.
// Run by the stack on first start: node tools/gallery-cli/src/demo-camera.ts --state <dir>
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { findExecutable, repoRoot } from '@edge-gallery/stack';
import sharp from 'sharp';
import { withRotation, writeAt, writeVideo } from './test-media.ts';

export type CameraDemoFile = {
  name: string;
  kind: 'jpeg' | 'heic' | 'live';
  /** As displayed. */
  width: number;
  height: number;
  /** EXIF Orientation of a JPEG stored sideways (the pixels are turned to match). */
  orientation?: 6;
  taken: string;
  offset: string;
  /** An ffmpeg lavfi source; {s}, {w}, {h} are the displayed size. */
  scene: string;
  label: string;
  motion?: {
    name: string;
    width: number;
    height: number;
    seconds: number;
    createdAt: string;
    contentIdentifier: string;
  };
};

export const cameraDemoPath = join(repoRoot, 'demo', 'camera.json');

export function readCameraDemo(path = cameraDemoPath): CameraDemoFile[] {
  return (JSON.parse(readFileSync(path, 'utf8')) as { files: CameraDemoFile[] }).files;
}

const FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';

/** Upright RGB pixels of the scene, labelled when the font is there. */
function drawScene(file: CameraDemoFile): Buffer {
  const { width: w, height: h } = file;
  let graph = file.scene
    .replaceAll('{s}', `${w}x${h}`)
    .replaceAll('{w}', String(w))
    .replaceAll('{h}', String(h));
  if (existsSync(FONT)) {
    // Two lines (name, then what it shows), small enough for the longer one to fit the width:
    // in one line at a 30th of the short side, a portrait picture's label ran off its right
    // edge. DejaVu Sans Bold's characters here average under 0.6 em.
    const lines = [file.name, file.label];
    const longest = Math.max(...lines.map((line) => line.length));
    const size = Math.floor(Math.min(Math.min(w, h) / 30, (w * 0.85) / (longest * 0.6)));
    const text = lines.join('\n').replaceAll(':', '\\:').replaceAll("'", '');
    graph += `,drawtext=fontfile=${FONT}:text='${text}':fontcolor=white:fontsize=${size}:line_spacing=${Math.round(size / 3)}:box=1:boxcolor=black@0.45:boxborderw=${Math.round(size / 3)}:x=w/28:y=h-th-h/28`;
  }
  const result = spawnSync(
    'ffmpeg',
    [
      ...['-hide_banner', '-loglevel', 'error', '-f', 'lavfi', '-i', graph],
      ...['-frames:v', '1', '-pix_fmt', 'rgb24', '-f', 'rawvideo', '-'],
    ],
    { maxBuffer: w * h * 3 + 1024 },
  );
  if (result.status !== 0) throw new Error(`ffmpeg could not draw ${file.name}: ${result.stderr}`);
  return result.stdout;
}

/** A JPEG with EXIF as a camera writes it; `sideways` stores it turned, with Orientation 6. */
async function cameraJpeg(file: CameraDemoFile, sideways: boolean): Promise<Buffer> {
  const raw = { width: file.width, height: file.height, channels: 3 as const };
  let image = sharp(drawScene(file), { raw });
  // Stored turned 90° anti-clockwise; Orientation 6 ("rotate 90° clockwise") shows it upright.
  if (sideways) image = sharp(await image.rotate(270).png({ compressionLevel: 0 }).toBuffer());
  return image
    .withExif({
      IFD0: { Make: 'Apple', Model: 'edge-gallery demo' },
      IFD2: { DateTimeOriginal: file.taken, OffsetTimeOriginal: file.offset },
    })
    .withMetadata({ orientation: sideways ? 6 : 1 })
    .jpeg({ quality: 88 })
    .toBuffer();
}

/** Writes the demo's files into `dir`; returns what was left out and why. */
export async function writeCameraDemo(dir: string, files = readCameraDemo()): Promise<string[]> {
  const skipped: string[] = [];
  for (const file of files) {
    const path = join(dir, file.name);
    if (file.kind === 'heic') {
      if (!findExecutable('heif-enc')) {
        skipped.push(
          `${file.name}: heif-enc not found, the demo has no HEIC (apt-get install libheif-examples)`,
        );
        continue;
      }
      // As an iPhone lays it out: pixels sideways, irot to turn them, EXIF Orientation 6.
      const source = `${path}.jpg`;
      await writeAt(source, await cameraJpeg(file, true));
      const encoded = spawnSync('heif-enc', ['-q', '55', source, '-o', path], { encoding: 'utf8' });
      await rm(source, { force: true });
      if (encoded.status !== 0) throw new Error(`heif-enc failed: ${encoded.stderr}`);
      await writeFile(path, withRotation(await readFile(path), 3));
      continue;
    }
    await writeAt(path, await cameraJpeg(file, file.orientation === 6));
    if (file.kind === 'live' && file.motion) {
      writeVideo(join(dir, file.motion.name), {
        seconds: file.motion.seconds,
        size: `${file.motion.width}x${file.motion.height}`,
        createdAt: file.motion.createdAt,
        contentIdentifier: file.motion.contentIdentifier,
      });
    }
  }
  return skipped;
}

async function main(): Promise<number> {
  const { values } = parseArgs({ options: { state: { type: 'string' } } });
  if (!values.state) {
    console.error('usage: demo-camera.ts --state <dir>');
    return 2;
  }
  const dir = await mkdtemp(join(tmpdir(), 'gallery-camera-demo-'));
  try {
    const skipped = await writeCameraDemo(dir);
    for (const line of skipped) console.log(`camera demo: ${line}`);
    const cli = join(import.meta.dirname, 'cli.ts');
    return await new Promise<number>((resolve, reject) => {
      const child = spawn(process.execPath, [cli, 'import', dir, '--state', values.state!], {
        stdio: 'inherit',
        env: { ...process.env, INIT_CWD: dir },
      });
      child.on('error', reject);
      child.on('close', (code) => resolve(code ?? 1));
    });
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

if (import.meta.main) {
  main().then(
    (code) => process.exit(code),
    (error: unknown) => {
      console.error(`camera demo: ${error instanceof Error ? error.message : String(error)}`);
      process.exit(1);
    },
  );
}
