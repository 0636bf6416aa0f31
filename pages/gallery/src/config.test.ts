import { describe, expect, it } from 'vitest';
import { config } from './config.ts';

describe('config', () => {
  it('has local defaults for the video API base and the gallery name', () => {
    expect(config.videoApiBase).toBe('http://localhost:8788');
    expect(config.galleryName).toBe('Our gallery');
  });

  it('has no viewer base: the viewer is on the page’s own origin', () => {
    expect(config).not.toHaveProperty('viewerApiBase');
  });
});
