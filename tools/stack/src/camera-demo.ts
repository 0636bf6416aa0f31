import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir, repoRoot, stateDir } from './layout.ts';

// The camera half of the demo (DESIGN.md "Local stack"): camera-size JPEGs, an HEVC HEIC
// and a Live Photo, described by demo/camera.json, made on first start and imported by
// `gallery import` (tools/gallery-cli/src/demo-camera.ts), so they get previews, HD
// thumbnails and a motion clip exactly as an owner's photos do. Run once per state (a
// marker records what was imported), before the workers start; a failure is reported and
// the stack starts anyway with the rest of the demo.

const generator = join(repoRoot, 'tools', 'gallery-cli', 'src', 'demo-camera.ts');
export const cameraDemoFile = join(demoDir, 'camera.json');
export const cameraMarkerFile = (persistTo: string) =>
  join(persistTo, 'edge-gallery-camera-demo.json');

/** Changes when the description or the generator changes. */
export function cameraDemoFingerprint(): string {
  return createHash('sha256')
    .update(readFileSync(cameraDemoFile))
    .update(readFileSync(generator))
    .digest('hex');
}

export type CameraDemoReport = 'unchanged' | 'imported' | 'failed';

export async function prepareCameraDemo({
  persistTo = stateDir,
  write = (line: string) => process.stdout.write(`${line}\n`),
}: {
  persistTo?: string;
  write?: (line: string) => void;
} = {}): Promise<CameraDemoReport> {
  const marker = cameraMarkerFile(persistTo);
  const fingerprint = cameraDemoFingerprint();
  if (existsSync(marker) && readFileSync(marker, 'utf8').includes(fingerprint)) return 'unchanged';
  const code = await new Promise<number | null>((resolve, reject) => {
    const child = spawn(process.execPath, [generator, '--state', persistTo], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    for (const stream of [child.stdout, child.stderr]) {
      let pending = '';
      stream.on('data', (chunk: Buffer) => {
        const lines = (pending + chunk).split('\n');
        pending = lines.pop() ?? '';
        for (const line of lines) if (line.trim()) write(line);
      });
    }
    child.on('error', reject);
    child.on('close', resolve);
  });
  if (code !== 0) return 'failed';
  writeFileSync(
    marker,
    `${JSON.stringify({ fingerprint, importedAt: new Date().toISOString() }, null, 2)}\n`,
  );
  return 'imported';
}

/** The titles the camera demo's items are listed under (file names; a Live Photo is one). */
export function cameraDemoTitles(): string[] {
  const { files } = JSON.parse(readFileSync(cameraDemoFile, 'utf8')) as {
    files: { name: string }[];
  };
  return files.map((file) => file.name.replace(/\.[^.]+$/, ''));
}
