import { describe, expect, it } from 'vitest';
import {
  MAX_EXPANDED_URI,
  MAX_EXPANSION,
  PlaylistRefused,
  type RefusalReason,
  rewritePlaylist,
} from './rewrite.ts';

// Confined rewriting: what the worker does to every stored playlist it serves with a
// visitor's token. Nothing in the playlist may make a player send that token, or a URI of
// this worker, to another host; anything that could is refused as a whole.

const KEY = 'hls/vid/720p/index.m3u8';
const confined = (lines: string[]) =>
  rewritePlaylist(`${lines.join('\n')}\n`, {
    playlistKey: KEY,
    scope: 'hls/vid/',
    confine: true,
    rewrite: (refs) => refs.map((ref) => `/api/${ref.key}?token`),
  });
const refusal = (lines: string[]): RefusalReason | 'served' => {
  try {
    confined(lines);
    return 'served';
  } catch (error) {
    if (error instanceof PlaylistRefused) return error.reason;
    throw error;
  }
};
const media = (...lines: string[]) => ['#EXTM3U', '#EXT-X-TARGETDURATION:4', ...lines];

describe('confined playlist rewrite', () => {
  it('refuses QUERYPARAM defines: the player would copy the token into a URI of its choice', () => {
    expect(
      refusal(
        media('#EXT-X-DEFINE:QUERYPARAM="sig"', '#EXTINF:4,', 'https://evil.example/{$sig}.ts'),
      ),
    ).toBe('query-param-define');
    // Even unused: the define alone is no playlist this gallery writes.
    expect(refusal(media('#EXT-X-DEFINE:QUERYPARAM="sig"', '#EXTINF:4,', 'seg.ts'))).toBe(
      'query-param-define',
    );
  });

  it('refuses content steering: a steering server may clone pathways onto another host', () => {
    expect(
      refusal([
        '#EXTM3U',
        '#EXT-X-CONTENT-STEERING:SERVER-URI="https://evil.example/steer",PATHWAY-ID="a"',
        '#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID="a"',
        '720p/index.m3u8',
      ]),
    ).toBe('content-steering');
  });

  it.each([
    ['a URI line', media('#EXTINF:4,', 'https://evil.example/seg.ts')],
    ['a network-path URI line', media('#EXTINF:4,', '//evil.example/seg.ts')],
    ['backslashes read as slashes', media('#EXTINF:4,', '\\\\evil.example/seg.ts')],
    ['a tab inside the authority marker', media('#EXTINF:4,', '/\t/evil.example/seg.ts')],
    ['another scheme', media('#EXTINF:4,', 'ftp://evil.example/seg.ts')],
    ['EXT-X-KEY', media('#EXT-X-KEY:METHOD=AES-128,URI="https://evil.example/k"', 'seg.ts')],
    ['EXT-X-MAP', media('#EXT-X-MAP:URI="https://evil.example/init.mp4"', 'seg.ts')],
    ['EXT-X-SESSION-KEY', ['#EXTM3U', '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="//evil.example/k"']],
    [
      'EXT-X-SESSION-DATA',
      ['#EXTM3U', '#EXT-X-SESSION-DATA:DATA-ID="x",URI="https://evil.example/d"'],
    ],
    [
      'EXT-X-MEDIA',
      [
        '#EXTM3U',
        '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="https://evil.example/a.m3u8"',
      ],
    ],
    ['a variant', ['#EXTM3U', '#EXT-X-STREAM-INF:BANDWIDTH=1', 'https://evil.example/v.m3u8']],
    [
      'an interstitial asset list',
      media(
        '#EXT-X-DATERANGE:ID="ad",CLASS="com.apple.hls.interstitial",START-DATE="2030-01-01T00:00:00Z",X-ASSET-LIST="https://evil.example/list.json"',
      ),
    ],
    [
      'a defined variable',
      media('#EXT-X-DEFINE:NAME="host",VALUE="https://evil.example"', '#EXTINF:4,', '{$host}/s.ts'),
    ],
  ])('refuses a URI that leaves the origin: %s', (_name, lines) => {
    expect(refusal(lines)).toBe('leaves-origin');
  });

  it('refuses a URI whose variable the playlist does not define (IMPORT, or none)', () => {
    expect(refusal(media('#EXT-X-DEFINE:IMPORT="host"', '#EXTINF:4,', '{$host}/seg.ts'))).toBe(
      'unknown-variable',
    );
    expect(refusal(media('#EXTINF:4,', '{$nowhere}seg.ts'))).toBe('unknown-variable');
  });

  it('serves what stays home: relative URIs, data: and skd: keys, METHOD=NONE, other-video paths', () => {
    const lines = media(
      '#EXT-X-KEY:METHOD=NONE,URI="https://evil.example/ignored"',
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-KEY:METHOD=AES-128,URI="data:text/plain;base64,AAAAAAAAAAAAAAAAAAAAAA=="',
      '#EXT-X-DEFINE:NAME="dir",VALUE="720p"',
      '#EXTINF:4,',
      'seg0.ts',
      '#EXTINF:4,',
      '../../other/seg1.ts',
      '#EXTINF:4,',
      '/hls/vid/{$dir}/seg2.ts',
    );
    const output = confined(lines);
    expect(output).toContain('\n/api/hls/vid/720p/seg0.ts?token\n');
    expect(output).toContain('\n../../other/seg1.ts\n'); // same origin, no token: a 401 there
    expect(output).toContain('\n/api/hls/vid/720p/seg2.ts?token\n');
    expect(output).toContain('URI="skd://key-id"');
  });
});

describe('EXT-X-DEFINE expansion bound (confined or not)', () => {
  const expand = (value: string, uses: number, confine: boolean) => () =>
    rewritePlaylist(
      [
        '#EXTM3U',
        `#EXT-X-DEFINE:NAME="v",VALUE="${value}"`,
        ...Array.from({ length: uses }, (_, i) => `#EXTINF:4,\n{$v}${i}.ts`),
        '',
      ].join('\n'),
      { playlistKey: KEY, scope: 'hls/vid/', confine, rewrite: (refs) => refs.map(() => 'x') },
    );

  it.each([false, true])('expands within the bound (confine %s)', (confine) => {
    expect(expand('s'.repeat(100), 100, confine)).not.toThrow();
  });

  it.each([false, true])('refuses one URI longer than the bound (confine %s)', (confine) => {
    expect(expand('s'.repeat(MAX_EXPANDED_URI), 1, confine)).toThrow(PlaylistRefused);
  });

  it.each([false, true])(
    'refuses a playlist whose expansions add up past the bound (confine %s)',
    (confine) => {
      const value = 's'.repeat(1000);
      const uses = Math.ceil(MAX_EXPANSION / value.length) + 1;
      expect(expand(value, uses, confine)).toThrow(
        expect.objectContaining({ reason: 'define-expansion' }),
      );
    },
  );
});
