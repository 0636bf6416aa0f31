import { describe, expect, it } from 'vitest';
import { chooseEngine } from './video-engine.ts';

describe('engine choice', () => {
  it('prefers hls.js wherever Media Source Extensions exist, even with native HLS', () => {
    expect(chooseEngine({ mediaSource: true, nativeHls: true })).toBe('hls.js');
    expect(chooseEngine({ mediaSource: true, nativeHls: false })).toBe('hls.js');
  });

  it('uses native HLS without MSE (older iPhones)', () => {
    expect(chooseEngine({ mediaSource: false, nativeHls: true })).toBe('native');
  });

  it('knows when nothing can play', () => {
    expect(chooseEngine({ mediaSource: false, nativeHls: false })).toBe('none');
  });
});
