import { describe, expect, it } from 'vitest';
import { UploadRefused } from './upload.ts';
import { formatBytes, refusalText, storedBytes } from './upload-view.ts';

describe('what a guest reads when an upload is refused', () => {
  it.each([
    [415, 'unsupported-type', 'Only photos and videos can be added.'],
    [415, 'not-a-photo', 'This file is not really a photo or video, so it was not kept.'],
    [413, 'too-large', 'This file is too large for the gallery.'],
    [
      410,
      'upload-expired',
      'This upload waited more than a day and was cancelled. Add the file again.',
    ],
    [503, 'uploads-unavailable', 'Uploads are switched off for this gallery.'],
    [400, 'bad-parts', 'Upload failed (400). Try again.'],
  ])('%i %s', (status, reason, text) => {
    expect(refusalText(new UploadRefused(status, reason))).toBe(text);
  });

  it('says when to try again after too many uploads, in minutes', () => {
    expect(refusalText(new UploadRefused(429, 'upload-rate', 90))).toBe(
      'You have added a lot at once. Try again in 2 min.',
    );
    expect(refusalText(new UploadRefused(429, 'upload-quota'))).toBe(
      'You have added a lot at once. Try again later.',
    );
  });

  it('never shows an internal error’s message', () => {
    expect(refusalText(new Error('TypeError: secret stack'))).toBe('Upload failed. Try again.');
  });
});

describe('file sizes', () => {
  it('reads as a phone shows them (decimal units)', () => {
    expect(formatBytes(512)).toBe('512 bytes');
    expect(formatBytes(1536)).toBe('1.5 KB');
    expect(formatBytes(43_000_000)).toBe('43 MB');
    expect(formatBytes(4 * 2 ** 30)).toBe('4.3 GB');
  });
});

describe('what the offer to continue says is already sent', () => {
  const created = { partSize: 8 * 2 ** 20 };
  it('counts the parts with an ETag, the last one short', () => {
    const file = { size: 20 * 2 ** 20 };
    expect(storedBytes({ created, file, etags: {} } as never)).toBe(0);
    expect(storedBytes({ created, file, etags: { 1: 'a', 2: 'b' } } as never)).toBe(16 * 2 ** 20);
    expect(storedBytes({ created, file, etags: { 3: 'c' } } as never)).toBe(4 * 2 ** 20);
    expect(storedBytes({ created, file, etags: { 1: 'a', 2: 'b', 3: 'c' } } as never)).toBe(
      file.size,
    );
  });
});
