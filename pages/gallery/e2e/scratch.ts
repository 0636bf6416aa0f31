import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A spec's own folder for the files it makes (under the system's temp dir); `remove()` in
 * its afterAll. */
export function scratchFolder(spec: string): { file(name: string): string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), `edge-gallery-${spec}-`));
  return {
    file: (name) => join(dir, name),
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Hex SHA-256, to compare what the bucket holds or a download saved with the file, byte for byte. */
export function sha256(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
