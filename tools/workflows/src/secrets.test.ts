import { describe, expect, it } from 'vitest';
import { secretsFor } from './secrets.ts';

describe('worker secrets for a deploy', () => {
  it('uploads the required secrets the GitHub environment has, and keeps the others deployed', () => {
    expect(
      secretsFor(['GALLERY_PASSWORD', 'AUTH_SECRET', 'PLAYBACK_TOKEN_SECRET'], {
        GALLERY_PASSWORD: 'correct horse',
        AUTH_SECRET: '',
        UNRELATED: 'not uploaded',
      }),
    ).toEqual({
      values: { GALLERY_PASSWORD: 'correct horse' },
      inherited: ['AUTH_SECRET', 'PLAYBACK_TOKEN_SECRET'],
    });
  });
});
