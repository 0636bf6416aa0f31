import { readdir, stat } from 'node:fs/promises';
import { extname, join, relative } from 'node:path';

export type MediaKind = 'image' | 'video';

/** Extensions the importer reads, with the stored original's extension and Content-Type. */
export const FORMATS: Record<string, { kind: MediaKind; ext: string; contentType: string }> = {
  '.jpg': { kind: 'image', ext: 'jpg', contentType: 'image/jpeg' },
  '.jpeg': { kind: 'image', ext: 'jpg', contentType: 'image/jpeg' },
  '.png': { kind: 'image', ext: 'png', contentType: 'image/png' },
  '.heic': { kind: 'image', ext: 'heic', contentType: 'image/heic' },
  '.heif': { kind: 'image', ext: 'heif', contentType: 'image/heif' },
  '.mp4': { kind: 'video', ext: 'mp4', contentType: 'video/mp4' },
  '.m4v': { kind: 'video', ext: 'mp4', contentType: 'video/mp4' },
  '.mov': { kind: 'video', ext: 'mov', contentType: 'video/quicktime' },
};

export type SourceFile = {
  path: string;
  /** Relative to the imported folder, for messages. */
  name: string;
  size: number;
  mtimeMs: number;
  kind: MediaKind;
  ext: string;
  contentType: string;
  /** A Live Photo's MOV, attached to its still by live-photo.ts. */
  motion?: SourceFile;
};

export type SkippedFile = { name: string; reason: string };

/**
 * Every file under `root`, depth first in name order (so runs are reproducible), split
 * into what the importer reads and what it skips. Hidden files (`.DS_Store`, macOS `._*`
 * resource forks) are neither: they are never media and never worth a line.
 */
export async function scanFolder(
  root: string,
): Promise<{ files: SourceFile[]; skipped: SkippedFile[] }> {
  const files: SourceFile[] = [];
  const skipped: SkippedFile[] = [];
  async function walk(dir: string): Promise<void> {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch (error) {
      skipped.push({
        name: relative(root, dir) || '.',
        reason: `unreadable folder: ${message(error)}`,
      });
      return;
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      if (entry.name.startsWith('.')) continue;
      const path = join(dir, entry.name);
      const name = relative(root, path);
      if (entry.isDirectory()) {
        await walk(path);
        continue;
      }
      const format = FORMATS[extname(entry.name).toLowerCase()];
      if (!format) {
        skipped.push({ name, reason: 'unsupported file type' });
        continue;
      }
      try {
        const stats = await stat(path);
        if (!stats.isFile()) continue;
        files.push({ path, name, size: stats.size, mtimeMs: stats.mtimeMs, ...format });
      } catch (error) {
        skipped.push({ name, reason: `unreadable: ${message(error)}` });
      }
    }
  }
  await walk(root);
  return { files, skipped };
}

export function message(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
