import { findExecutable } from '@edge-gallery/stack';
import { describe, expect, it } from 'vitest';
import { missingFfmpeg } from './ffmpeg.ts';

describe('ffmpeg presence', () => {
  it('says what is missing and how to install it', () => {
    const message = missingFfmpeg({ PATH: '/nonexistent' });
    expect(message).toMatch(/^ffmpeg and ffprobe not found on PATH/);
    expect(message).toContain('apt-get install ffmpeg');
    expect(message).toContain('brew install ffmpeg');
  });

  it.skipIf(!findExecutable('ffmpeg'))('finds the system ffmpeg when there is one', () => {
    expect(findExecutable('ffmpeg')).toBeDefined();
    expect(missingFfmpeg()).toBeUndefined();
  });
});
