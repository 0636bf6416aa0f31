import { describe, expect, it } from 'vitest';
import { objectMemo } from './object-memo.ts';

describe('object memo', () => {
  it('makes a value once per object and key', () => {
    const memo = objectMemo<string, { made: number }>();
    const env = {};
    let made = 0;
    const make = () => ({ made: ++made });
    const first = memo(env, 'a', make);
    expect(memo(env, 'a', make)).toBe(first);
    expect(memo(env, 'b', make)).not.toBe(first);
    expect(memo({}, 'a', make)).not.toBe(first);
    expect(made).toBe(3);
  });

  it('keeps a value that is undefined too', () => {
    const memo = objectMemo<string, undefined>();
    const env = {};
    let made = 0;
    memo(env, 'a', () => void made++);
    memo(env, 'a', () => void made++);
    expect(made).toBe(1);
  });
});
