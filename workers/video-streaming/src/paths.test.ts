import { describe, expect, it } from 'vitest';
import { Failure } from './failure.ts';
import { isPlaylistKey, masterPath, objectPath, urlPathOf } from './paths.ts';

const reasonOf = (work: () => unknown) => {
  try {
    work();
    return undefined;
  } catch (error) {
    return error instanceof Failure ? error.reason : error;
  }
};

describe('URL ↔ storage key', () => {
  it('maps the master route to hls/<videoId>/master.m3u8', () => {
    expect(masterPath(['abc_1.x'])).toEqual({
      key: 'hls/abc_1.x/master.m3u8',
      scope: 'hls/abc_1.x/',
    });
  });

  it('maps /api/hls/<videoId>/<path> to hls/<videoId>/<path>, decoded once', () => {
    expect(objectPath('/api/hls/abc/720p/seg%201.m4s')).toEqual({
      key: 'hls/abc/720p/seg 1.m4s',
      scope: 'hls/abc/',
    });
  });

  it.each([
    'hls/abc/720p/seg1.m4s',
    'hls/abc/audio/en/init.mp4',
    'hls/abc/720p/seg 1 (final) ü.m4s',
    'hls/abc/720p/a+b&c=d?.m4s',
    'hls/abc/720p/100%.m4s',
  ])('round-trips %j through its URL path', (key) => {
    const url = new URL(urlPathOf(key), 'https://video.test');
    expect(objectPath(url.pathname).key).toBe(key);
  });

  it.each([
    [[], 'bad-video-id'],
    [['a', 'b'], 'bad-video-id'],
    [[''], 'bad-video-id'],
    [['.'], 'bad-video-id'],
    [['..'], 'bad-video-id'],
    [['a/b'], 'bad-video-id'],
    [['a%2Fb'], 'bad-video-id'],
    [['x'.repeat(129)], 'bad-video-id'],
  ])('refuses the video id %j', (ids, reason) => {
    expect(reasonOf(() => masterPath(ids))).toBe(reason);
  });

  it.each([
    ['/api/hls/abc/a%2Fb.ts', 'encoded-separator'],
    ['/api/hls/abc/a%5cb.ts', 'encoded-separator'],
    ['/api/hls/abc/a%252Fb.ts', 'encoded-separator'],
    ['/api/hls/abc/a%00.ts', 'control-character'],
    ['/api/hls/abc/a%ZZ.ts', 'malformed'],
    ['/api/hls/abc/%2e%2e/x.ts', 'traversal'],
    ['/api/hls/abc//x.ts', 'empty-segment'],
    ['/api/hls/abc/', 'empty-segment'],
    ['/api/hls/abc', 'bad-video-id'],
    ['/api/hls/.abc/x.ts', 'bad-video-id'],
    [`/api/hls/abc/${'x'.repeat(520)}`, 'too-long'],
  ])('refuses the path %s', (pathname, reason) => {
    expect(reasonOf(() => objectPath(pathname))).toBe(reason);
  });

  it.each([
    ['hls/a/master.m3u8', true],
    ['hls/a/720p/index.M3U8', true],
    ['hls/a/list.m3u', true],
    ['hls/a/720p/seg.m4s', false],
    ['hls/a/720p/index.m3u8.bak', false],
  ])('treats %s as a playlist: %s', (key, playlist) => {
    expect(isPlaylistKey(key)).toBe(playlist);
  });
});
