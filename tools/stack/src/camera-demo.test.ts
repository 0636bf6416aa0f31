import { describe, expect, it } from 'vitest';
import { cameraDemoFingerprint, cameraDemoTitles } from './camera-demo.ts';

describe('camera demo description', () => {
  it('lists the items the listing will show: a Live Photo is one, not a photo and a video', () => {
    expect(cameraDemoTitles()).toEqual(['IMG_2001', 'IMG_2002', 'IMG_2003', 'IMG_2004']);
  });

  it('is fingerprinted with its generator, so a change to either imports it again', () => {
    expect(cameraDemoFingerprint()).toMatch(/^[0-9a-f]{64}$/);
  });
});
