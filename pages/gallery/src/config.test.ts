import { describe, expect, it } from 'vitest';
import { config } from './config.ts';

describe('config', () => {
  it('has local defaults for both API bases and the gallery name', () => {
    expect(config.viewerApiBase).toBe('http://localhost:8787');
    expect(config.videoApiBase).toBe('http://localhost:8788');
    expect(config.galleryName).toBe('Our gallery');
  });
});
