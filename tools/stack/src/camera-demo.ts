import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { demoDir, repoRoot, stateDir } from './layout.ts';
import { openLocalState } from './local-state.ts';

// The camera half of the demo (DESIGN.md "Local stack"): camera-size JPEGs, an HEVC HEIC
// and a Live Photo, described by demo/camera.json, made on first start and imported by
// `gallery import` (tools/gallery-cli/src/demo-camera.ts), so they get previews, HD
// thumbnails and a motion clip exactly as an owner's photos do. Run once per state (a
// marker records what was imported), before the workers start; a failure is reported and
// the stack starts anyway with the rest of the demo. When the description or the generator
// changes, the pictures change and so do their content-hash ids: the rows of the previous
// import go first, so a developer's state lists the demo once, as a fresh clone does.

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

type Marker = { fingerprint: string; importedAt: string; ids?: string[] };

async function listedIds(persistTo: string): Promise<Set<string>> {
  const state = await openLocalState(persistTo);
  try {
    const { results } = await state.db.prepare('SELECT id FROM media').all<{ id: string }>();
    return new Set(results.map((row) => row.id));
  } finally {
    await state.dispose();
  }
}

/** Removes the rows an earlier import of the demo added (their objects stay: local, small). */
async function removePreviousImport(persistTo: string, marker: Marker): Promise<void> {
  const state = await openLocalState(persistTo);
  try {
    // A marker from before ids were recorded: the demo's titles name its rows.
    const rows = marker.ids
      ? marker.ids.map((id) => state.db.prepare('DELETE FROM media WHERE id = ?').bind(id))
      : cameraDemoTitles().map((title) =>
          state.db.prepare('DELETE FROM media WHERE title = ?').bind(title),
        );
    if (rows.length > 0) await state.db.batch(rows);
  } finally {
    await state.dispose();
  }
}

export async function prepareCameraDemo({
  persistTo = stateDir,
  write = (line: string) => process.stdout.write(`${line}\n`),
}: {
  persistTo?: string;
  write?: (line: string) => void;
} = {}): Promise<CameraDemoReport> {
  const markerFile = cameraMarkerFile(persistTo);
  const fingerprint = cameraDemoFingerprint();
  const previous = existsSync(markerFile)
    ? (JSON.parse(readFileSync(markerFile, 'utf8')) as Marker)
    : undefined;
  if (previous?.fingerprint === fingerprint) return 'unchanged';
  if (previous) await removePreviousImport(persistTo, previous);
  const before = await listedIds(persistTo);
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
  const ids = [...(await listedIds(persistTo))].filter((id) => !before.has(id));
  const marker: Marker = { fingerprint, importedAt: new Date().toISOString(), ids };
  writeFileSync(markerFile, `${JSON.stringify(marker, null, 2)}\n`);
  return 'imported';
}

/** The titles the camera demo's items are listed under (file names; a Live Photo is one). */
export function cameraDemoTitles(): string[] {
  const { files } = JSON.parse(readFileSync(cameraDemoFile, 'utf8')) as {
    files: { name: string }[];
  };
  return files.map((file) => file.name.replace(/\.[^.]+$/, ''));
}
