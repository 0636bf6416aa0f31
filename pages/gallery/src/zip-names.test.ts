import { describe, expect, it } from 'vitest';
import { extensionOf, safeName, uniqueNames } from './zip-names.ts';

const entry = (title: string, extension = '.jpg') => ({ title, extension, fallback: 'photo' });

describe('names inside the ZIP', () => {
  it('takes the extension from the original’s URL, presigned or not', () => {
    expect(extensionOf('/api/file/originals/ab.JPG')).toBe('.jpg');
    expect(extensionOf('https://r2.example/b/originals/ab.heic?X-Amz-Signature=1.2')).toBe('.heic');
    expect(extensionOf('/api/file/originals/ab')).toBe('');
  });

  it('replaces what Windows refuses, and every path separator', () => {
    expect(safeName('a<b>c:d"e/f\\g|h?i*j', '.jpg', 'x')).toBe('a_b_c_d_e_f_g_h_i_j.jpg');
    expect(safeName('tab\there\u0000', '.jpg', 'x')).toBe('tab_here_.jpg');
    expect(safeName('../../etc/passwd', '', 'x')).toBe('_.._etc_passwd');
  });

  it('avoids Windows’ reserved device names, with or without an extension', () => {
    expect(safeName('CON', '.jpg', 'x')).toBe('_CON.jpg');
    expect(safeName('lpt1', '.mp4', 'x')).toBe('_lpt1.mp4');
    expect(safeName('aux.backup', '.jpg', 'x')).toBe('_aux.backup.jpg');
    expect(safeName('CONCERT', '.jpg', 'x')).toBe('CONCERT.jpg');
  });

  it('drops trailing dots and spaces, leading dots, and falls back when nothing is left', () => {
    expect(safeName('party. . ', '.jpg', 'x')).toBe('party.jpg');
    expect(safeName('.hidden', '.jpg', 'x')).toBe('hidden.jpg');
    expect(safeName('  ', '.jpg', 'photo-1')).toBe('photo-1.jpg');
  });

  it('keeps names within 255 bytes without splitting a character', () => {
    const name = safeName('ä'.repeat(300), '.jpg', 'x');
    expect(new TextEncoder().encode(name).length).toBeLessThanOrEqual(255);
    expect(name.endsWith('ä.jpg')).toBe(true);
  });

  it('numbers duplicates, also those that differ only in case or normalisation', () => {
    expect(
      uniqueNames([
        entry('IMG_1'),
        entry('IMG_1'),
        entry('img_1'),
        entry('Caf\u00e9'),
        entry('Cafe\u0301'),
      ]),
    ).toEqual(['IMG_1.jpg', 'IMG_1 (2).jpg', 'img_1 (3).jpg', 'Café.jpg', 'Café (2).jpg']);
    // Same title, different kinds: no clash.
    expect(uniqueNames([entry('clip', '.mp4'), entry('clip', '.jpg')])).toEqual([
      'clip.mp4',
      'clip.jpg',
    ]);
  });
});
