import { describe, expect, it } from 'vitest';
import { parseRange } from './range.ts';

const SIZE = 1000;

describe('parseRange', () => {
  it.each([
    ['bytes=0-0', { offset: 0, length: 1 }],
    ['bytes=0-499', { offset: 0, length: 500 }],
    ['bytes=500-999', { offset: 500, length: 500 }],
    ['bytes=500-', { offset: 500, length: 500 }],
    ['bytes=0-', { offset: 0, length: SIZE }],
    ['bytes=999-', { offset: 999, length: 1 }],
    ['bytes=-1', { offset: 999, length: 1 }],
    ['bytes=-100', { offset: 900, length: 100 }],
    ['bytes=500-5000', { offset: 500, length: 500 }],
    ['bytes=-5000', { offset: 0, length: SIZE }],
    ['bytes=10-10', { offset: 10, length: 1 }],
    ['BYTES=1-2', { offset: 1, length: 2 }],
    ['bytes=0-1,', { offset: 0, length: 2 }],
    ['bytes= 0-1 ', { offset: 0, length: 2 }],
    ['bytes=00010-00019', { offset: 10, length: 10 }],
  ])('%s → %o', (header, range) => {
    expect(parseRange(header, SIZE)).toEqual(range);
  });

  it.each([
    ['bytes=1000-', 'first byte at the end'],
    ['bytes=1000-1000', 'first byte at the end'],
    ['bytes=5000-6000', 'first byte beyond the end'],
    ['bytes=99999999999999999999999-', 'a first byte too large for any object'],
    ['bytes=-0', 'a zero-length suffix'],
  ])('%s is unsatisfiable (%s)', (header) => {
    expect(parseRange(header, SIZE)).toBe('unsatisfiable');
  });

  it.each([
    [null, 'no header'],
    ['', 'empty'],
    ['bytes=', 'no range'],
    ['bytes=-', 'neither bound'],
    ['bytes=500-100', 'reversed (invalid, so ignored)'],
    ['bytes=a-b', 'junk'],
    ['bytes=1.5-2', 'not integers'],
    ['bytes=-1-2', 'negative'],
    ['bytes 0-1', 'no ='],
    ['items=0-1', 'another unit'],
    ['0-1', 'no unit'],
    ['bytes=0-1,5-6', 'multi-range'],
    ['bytes=0-1, 500-', 'multi-range'],
    ['bytes=0-0,-1', 'multi-range'],
  ])('%s is ignored: %s', (header, _why) => {
    expect(parseRange(header, SIZE)).toBeUndefined();
  });

  describe('an empty object', () => {
    it('cannot satisfy a first-byte range', () => {
      expect(parseRange('bytes=0-', 0)).toBe('unsatisfiable');
    });
    it('answers a suffix range with the (empty) whole', () => {
      expect(parseRange('bytes=-10', 0)).toBeUndefined();
    });
  });
});
