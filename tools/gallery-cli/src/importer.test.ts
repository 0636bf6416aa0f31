import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MediaRow } from '@edge-gallery/stack';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importFiles, type Outcome } from './importer.ts';
import { scanFolder } from './scan.ts';
import { RowsNotWritten, type Target } from './target.ts';
import { writePhoto } from './test-media.ts';

// The import's report is what an owner acts on: a file reported imported must be listed.

let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'gallery-importer-'));
  for (const seed of [1, 2, 3]) {
    await writePhoto({
      path: join(dir, 'photos', `p${seed}.jpg`),
      width: 64,
      height: 48,
      noise: true,
      seed,
    });
  }
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** A target whose rows queue until flush, and whose D1 refuses the rows of `refused` files. */
function flakyTarget(refused: (row: MediaRow) => boolean): Target & { written: string[] } {
  const queued: MediaRow[] = [];
  const written: string[] = [];
  return {
    description: 'flaky',
    written,
    existingIds: async () => new Set(),
    putObject: async () => {},
    insertRow: async (row) => void queued.push(row),
    rows: async () => [],
    downloadObject: async () => {},
    setRenditions: async () => {},
    setVideoLadder: async () => {},
    hasObject: async () => false,
    async flush() {
      const lost = queued.filter(refused).map((row) => row.id);
      written.push(...queued.filter((row) => !refused(row)).map((row) => row.id));
      queued.length = 0;
      if (lost.length) throw new RowsNotWritten(lost, 'D1 rows not written: batch failed');
    },
    close: async () => {},
  };
}

describe('import report', () => {
  it('reports a file whose row never reached D1 as not imported, and the others as imported', async () => {
    const { files } = await scanFolder(join(dir, 'photos'));
    const target = flakyTarget((row) => row.title === 'p2');
    const outcomes = await importFiles(
      files,
      target,
      { dryRun: false, concurrency: 2, workDir: join(dir, 'work') },
      { hashed: () => {}, planned: () => {}, done: () => {} },
    );
    const byName = Object.fromEntries(
      outcomes.map((o: Outcome) => [o.file.name, o.status === 'failed' ? o.reason : o.status]),
    );
    expect(byName).toEqual({
      'p1.jpg': 'imported',
      'p2.jpg': 'row-not-written',
      'p3.jpg': 'imported',
    });
    expect(target.written).toHaveLength(2);
  });
});
