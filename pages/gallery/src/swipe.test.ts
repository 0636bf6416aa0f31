import { describe, expect, it } from 'vitest';
import { classifySwipe, MIN_DISTANCE } from './swipe.ts';

describe('swipe', () => {
  it('a quick flick to the left shows the next item', () => {
    expect(classifySwipe(-120, 10, 200)).toBe('next');
  });

  it('a quick flick to the right shows the previous item', () => {
    expect(classifySwipe(120, -10, 200)).toBe('previous');
  });

  it('ignores taps and short moves', () => {
    expect(classifySwipe(0, 0, 80)).toBeUndefined();
    expect(classifySwipe(MIN_DISTANCE - 1, 0, 100)).toBeUndefined();
  });

  it('ignores mostly vertical moves (scrolling)', () => {
    expect(classifySwipe(-80, 70, 200)).toBeUndefined();
  });

  it('ignores slow drags', () => {
    expect(classifySwipe(-200, 0, 1500)).toBeUndefined();
  });
});
