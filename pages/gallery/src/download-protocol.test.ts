import { describe, expect, it } from 'vitest';
import { attachment, parseEntries } from './download-protocol.ts';

describe('download requests to the service worker', () => {
  it('accepts a list of names and http(s) URLs', () => {
    const json = JSON.stringify([
      {
        name: 'a.jpg',
        url: 'http://localhost:5173/api/file/originals/a.jpg',
        lastModified: '2026-06-13T10:00:00Z',
      },
      {
        name: 'b.mp4',
        url: 'https://acct.r2.cloudflarestorage.com/b/originals/b.mp4?X-Amz-Signature=1',
      },
    ]);
    expect(parseEntries(json)).toEqual([
      {
        name: 'a.jpg',
        url: 'http://localhost:5173/api/file/originals/a.jpg',
        lastModified: '2026-06-13T10:00:00Z',
      },
      {
        name: 'b.mp4',
        url: 'https://acct.r2.cloudflarestorage.com/b/originals/b.mp4?X-Amz-Signature=1',
      },
    ]);
  });

  it('refuses anything else: the worker fetches nothing but http(s)', () => {
    for (const bad of [
      undefined,
      'not json',
      '[]',
      '{}',
      JSON.stringify([{ name: '', url: 'https://x/' }]),
      JSON.stringify([{ name: 'a', url: 'javascript:alert(1)' }]),
      JSON.stringify([{ name: 'a', url: 'file:///etc/passwd' }]),
      JSON.stringify([{ name: 'a', url: '/relative' }]),
      JSON.stringify([null]),
    ]) {
      expect(parseEntries(bad)).toBeUndefined();
    }
  });

  it('names the ZIP with an ASCII fallback and the UTF-8 name', () => {
    expect(attachment('Lia & Sam’s wedding.zip')).toBe(
      `attachment; filename="Lia & Sam_s wedding.zip"; filename*=UTF-8''Lia%20%26%20Sam%E2%80%99s%20wedding.zip`,
    );
    expect(attachment('a"b\\c.zip')).toBe(
      `attachment; filename="a_b_c.zip"; filename*=UTF-8''a%22b%5Cc.zip`,
    );
  });
});
