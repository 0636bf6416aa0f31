import { describe, expect, it } from 'vitest';
import { appleContentIdentifier } from './exif.ts';

/** An Apple maker note as iPhones write it: header, version, 'MM', one IFD. */
function appleNote(entries: { tag: number; text: string }[]): Buffer {
  const header = Buffer.concat([
    Buffer.from('Apple iOS\0', 'latin1'),
    Buffer.from([0, 1]),
    Buffer.from('MM'),
  ]);
  const ifdSize = 2 + entries.length * 12 + 4;
  const values: Buffer[] = [];
  let valueAt = header.length + ifdSize;
  const ifd = Buffer.alloc(ifdSize);
  ifd.writeUInt16BE(entries.length, 0);
  entries.forEach(({ tag, text }, i) => {
    const value = Buffer.from(`${text}\0`, 'latin1');
    const at = 2 + i * 12;
    ifd.writeUInt16BE(tag, at);
    ifd.writeUInt16BE(2, at + 2);
    ifd.writeUInt32BE(value.length, at + 4);
    ifd.writeUInt32BE(valueAt, at + 8);
    values.push(value);
    valueAt += value.length;
  });
  return Buffer.concat([header, ifd, ...values]);
}

describe("Apple's maker note", () => {
  it('gives the Live Photo content identifier (tag 0x11)', () => {
    const id = '7D3C1B1A-5E2F-4B8C-9A6D-0123456789AB';
    expect(
      appleContentIdentifier(
        appleNote([
          { tag: 0x08, text: 'other' },
          { tag: 0x11, text: id },
        ]),
      ),
    ).toBe(id);
  });

  it('gives nothing for other makers, a note without the tag, or a truncated note', () => {
    expect(
      appleContentIdentifier(Buffer.from('Nikon\0\x02\x10\0\0MM\0*\0\0\0\x08\0\0', 'latin1')),
    ).toBeUndefined();
    expect(appleContentIdentifier(appleNote([{ tag: 0x08, text: 'other' }]))).toBeUndefined();
    const note = appleNote([{ tag: 0x11, text: 'ABC-DEF-0123' }]);
    expect(appleContentIdentifier(note.subarray(0, note.length - 8))).toBeUndefined();
  });
});
