import { spawn } from 'node:child_process';
import { findExecutable } from '@edge-gallery/stack';
import { ImportError } from './import-error.ts';

// HEVC-coded HEIC (what iPhones write): sharp's prebuilt libvips reads AV1 HEIF only (the
// HEVC decoder is left out of the binary for patent reasons), so such photos are decoded by
// Debian's `heif-convert` (libheif-examples, libde265), the way videos go through ffmpeg.
// Measured against `heic-decode` (libheif compiled to WebAssembly) on a 4032×3024 HEIC:
// see the README; the native tool was faster and keeps 48 MB of RGBA out of the JS heap.
// libheif applies the HEIF transforms (irot/imir) while decoding, so its output is upright;
// the EXIF Orientation copied into it must then be ignored, or the photo turns twice.

export const HEIF_INSTALL_HINT =
  'heif-convert is needed to read HEVC-coded HEIC (iPhone photos). Install it and run the import again:\n' +
  '  Debian/Ubuntu: sudo apt-get install libheif-examples\n' +
  '  macOS:         brew install libheif';

/** JPEG quality of the intermediate image: far above the renditions' (≤ 85), so no visible loss. */
const INTERMEDIATE_QUALITY = 95;

export function heifConvertMissing(env: NodeJS.ProcessEnv = process.env): string | undefined {
  return findExecutable('heif-convert', env)
    ? undefined
    : `heif-convert not found on PATH. ${HEIF_INSTALL_HINT}`;
}

/** Decodes the primary image of `source` into an upright JPEG at `out`. */
export async function decodeHeic(source: string, out: string): Promise<void> {
  if (heifConvertMissing()) throw new ImportError('heic-unsupported', HEIF_INSTALL_HINT);
  const { code, stderr } = await new Promise<{ code: number | null; stderr: string }>(
    (resolve, reject) => {
      const child = spawn(
        'heif-convert',
        ['--quiet', '-q', String(INTERMEDIATE_QUALITY), source, out],
        { stdio: ['ignore', 'ignore', 'pipe'] },
      );
      let stderr = '';
      child.stderr.on('data', (chunk: Buffer) => {
        stderr = (stderr + chunk).slice(-2000);
      });
      child.on('error', reject);
      child.on('close', (code) => resolve({ code, stderr }));
    },
  );
  if (code !== 0) {
    const reason = stderr.trim().split('\n').at(-1) || `exit ${code}`;
    throw new ImportError('corrupt', `heif-convert: ${reason}`);
  }
}
