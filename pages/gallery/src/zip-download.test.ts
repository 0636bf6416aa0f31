import { describe, expect, it } from 'vitest';
import type { MediaItem } from './api.ts';
import { progressText, zipEntries } from './zip-download.ts';

const item = (id: string, title: string, fileUrl: string, kind: 'image' | 'video' = 'image') =>
  ({ id, kind, title, takenAt: '2026-06-13T10:00:00.000Z', fileUrl }) as MediaItem;

describe('the ZIP of a selection', () => {
  it('names entries after titles with the original’s extension, unique, dated as taken', () => {
    const entries = zipEntries(
      [
        item('1', 'Cake', '/api/file/originals/1.jpg'),
        item('2', 'cake', '/api/file/originals/2.JPG'),
        item('3', '', 'https://r2.example/b/originals/3.mov?X-Amz-Signature=a', 'video'),
      ],
      'http://localhost:5173/#/',
    );
    expect(entries).toEqual([
      {
        name: 'Cake.jpg',
        url: 'http://localhost:5173/api/file/originals/1.jpg',
        lastModified: '2026-06-13T10:00:00.000Z',
      },
      {
        name: 'cake (2).jpg',
        url: 'http://localhost:5173/api/file/originals/2.JPG',
        lastModified: '2026-06-13T10:00:00.000Z',
      },
      {
        name: 'video-3.mov',
        url: 'https://r2.example/b/originals/3.mov?X-Amz-Signature=a',
        lastModified: '2026-06-13T10:00:00.000Z',
      },
    ]);
  });

  it('tells the guest where the download is', () => {
    expect(progressText({ state: 'running', files: 2, total: 10, bytes: 12_300_000 })).toBe(
      'Downloading 3 of 10 · 12.3 MB',
    );
    expect(progressText({ state: 'done', files: 10, bytes: 2_100_000_000 })).toBe(
      'Downloaded 10 files (2.10 GB).',
    );
    expect(progressText({ state: 'failed', reason: 'no-worker' })).toMatch(/one at a time/);
  });
});
