import { describe, expect, it } from 'vitest';
import { equalInConstantTime } from './constant-time.ts';

describe('equalInConstantTime', () => {
  it('is true for equal strings only', () => {
    expect(equalInConstantTime('abc', 'abc')).toBe(true);
    expect(equalInConstantTime('', '')).toBe(true);
    expect(equalInConstantTime('abc', 'abd')).toBe(false);
    expect(equalInConstantTime('xbc', 'abc')).toBe(false);
  });

  it('is false for strings of different lengths, a prefix included', () => {
    expect(equalInConstantTime('abc', 'abcd')).toBe(false);
    expect(equalInConstantTime('abcd', 'abc')).toBe(false);
    expect(equalInConstantTime('', 'a')).toBe(false);
  });

  it('tells apart characters that differ above the low byte', () => {
    expect(equalInConstantTime('\u0161', 'a')).toBe(false);
  });

  it('looks at every position, with no early exit', () => {
    // Reads of both strings are counted: a mismatch at the first character reads as much
    // as a match.
    const reads = (a: string, b: string) => {
      let count = 0;
      const counted = (s: string) =>
        new Proxy(new String(s), {
          get(target, property) {
            if (property === 'charCodeAt') {
              return (i: number) => {
                count++;
                return target.charCodeAt(i);
              };
            }
            return Reflect.get(target, property, target);
          },
        }) as unknown as string;
      equalInConstantTime(counted(a), counted(b));
      return count;
    };
    expect(reads('xbcdefgh', 'abcdefgh')).toBe(reads('abcdefgh', 'abcdefgh'));
    expect(reads('abcdefgh', 'abcdefgh')).toBe(16);
  });
});
