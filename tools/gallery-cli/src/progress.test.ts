import { describe, expect, it } from 'vitest';
import type { Outcome } from './importer.ts';
import { createProgress, formatBytes, formatDuration, summarize } from './progress.ts';
import { FORMATS, type SourceFile } from './scan.ts';

const file = (name: string, size: number): SourceFile => ({
  path: `/p/${name}`,
  name,
  size,
  mtimeMs: 0,
  ...FORMATS['.jpg']!,
});

describe('progress without a terminal', () => {
  it('prints one plain line per file, with its position among the files to import', () => {
    const lines: string[] = [];
    const progress = createProgress(
      { files: 3, bytes: 3e6 },
      { tty: false, write: (t) => lines.push(t) },
    );
    for (const name of ['a.jpg', 'b.jpg', 'c.jpg']) progress.hashed(file(name, 1e6));
    progress.done({ status: 'exists', file: file('a.jpg', 1e6), id: 'a' });
    progress.planned({ toImport: 2, bytes: 2e6 });
    progress.done({ status: 'imported', file: file('b.jpg', 1e6), id: 'b', storedBytes: 1e6 });
    progress.done({ status: 'failed', file: file('c.jpg', 1e6), reason: 'corrupt', detail: 'bad' });
    expect(lines.join('')).toBe(
      'Hashing 3 files (3.0 MB)\nexists     a.jpg\nImporting 2 files (2.0 MB)\nimported   b.jpg [1/2]\nfailed     c.jpg: corrupt: bad\n',
    );
    expect(lines.join('')).not.toContain('\r');
  });
});

describe('progress on a terminal', () => {
  it('redraws one line with counts, bytes, rate and ETA', () => {
    let out = '';
    let clock = 0;
    const progress = createProgress(
      { files: 4, bytes: 4e6 },
      { tty: true, write: (t) => (out += t), now: () => clock, columns: 120 },
    );
    progress.planned({ toImport: 4, bytes: 4e6 });
    clock = 1000;
    progress.done({ status: 'imported', file: file('a.jpg', 1e6), id: 'a', storedBytes: 1e6 });
    const last = out.split('\r\x1b[2K').at(-1);
    expect(last).toMatch(
      /^Importing \[#+\.+\] 1\/4 files · 1\.0 MB\/4\.0 MB · 1\.0 MB\/s · ETA 3\.0 s$/,
    );
    clock = 2000;
    progress.done({ status: 'failed', file: file('b.jpg', 1e6), reason: 'corrupt', detail: 'bad' });
    // Failures are printed above the bar, which is then drawn again.
    expect(out).toContain('\r\x1b[2Kfailed     b.jpg: corrupt: bad\nImporting');
    expect(out.split('\r\x1b[2K').at(-1)).toContain('· 1 failed');
    progress.finish();
  });
});

describe('summary', () => {
  it('reports throughput and lists every file left out with its reason', () => {
    const outcomes: Outcome[] = [
      { status: 'imported', file: file('a.jpg', 3e6), id: 'a', storedBytes: 3e6 },
      { status: 'imported', file: file('b.jpg', 1e6), id: 'b', storedBytes: 1e6 },
      { status: 'exists', file: file('c.jpg', 1e6), id: 'c' },
      { status: 'duplicate', file: file('d.jpg', 1e6), id: 'a', of: 'a.jpg' },
      {
        status: 'failed',
        file: file('e.jpg', 1e6),
        reason: 'corrupt',
        detail: 'unsupported image format',
      },
    ];
    const { text, failed } = summarize(
      outcomes,
      [{ name: 'notes.txt', reason: 'unsupported file type' }],
      2000,
      false,
    );
    expect(failed).toBe(1);
    expect(text).toBe(
      [
        'Imported 2 files (4.0 MB) in 2.0 s: 1.0 files/s, 2.0 MB/s',
        'Already imported 1 · duplicates 1 · failed 1 · not media 1',
        'Not imported (1):',
        '  e.jpg: corrupt: unsupported image format',
        'Skipped, not photos or videos (1):',
        '  notes.txt: unsupported file type',
        '',
      ].join('\n'),
    );
  });

  it('formats sizes and durations for people', () => {
    expect([
      formatBytes(999),
      formatBytes(12_345),
      formatBytes(12_345_678),
      formatBytes(12e9),
    ]).toEqual(['999 B', '12 kB', '12.3 MB', '12.00 GB']);
    expect([formatDuration(3.21), formatDuration(75), formatDuration(3725)]).toEqual([
      '3.2 s',
      '1:15',
      '1:02:05',
    ]);
  });
});
