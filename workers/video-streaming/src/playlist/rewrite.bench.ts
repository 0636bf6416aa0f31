import { bench, describe } from 'vitest';
import { rewritePlaylist, type UriRef } from './rewrite.ts';

// The issue's reference size: a 600-segment variant playlist (40 minutes of 4 s segments).
// The rewrite callback returns URIs of presigned length, built once, so that only the
// rewriter itself is measured; signing is measured by the worker's own bench.
const SEGMENTS = 600;

function variantPlaylist(segment: (i: number) => string, newline = '\n'): string {
  const lines = [
    '#EXTM3U',
    '#EXT-X-VERSION:7',
    '#EXT-X-TARGETDURATION:4',
    '#EXT-X-PLAYLIST-TYPE:VOD',
    '#EXT-X-MAP:URI="init.mp4"',
  ];
  for (let i = 0; i < SEGMENTS; i++) lines.push('#EXTINF:4.000000,', segment(i));
  lines.push('#EXT-X-ENDLIST', '');
  return lines.join(newline);
}

const presigned = Array.from(
  { length: SEGMENTS + 1 },
  (_, i) =>
    `https://account.r2.cloudflarestorage.com/edge-gallery-media/hls/abc/720p/seg-${i}.m4s?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=AKIAEXAMPLE%2F20260101%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20260101T000000Z&X-Amz-Expires=3900&X-Amz-SignedHeaders=host&X-Amz-Signature=${'0'.repeat(64)}`,
);
const options = {
  playlistKey: 'hls/abc/720p/index.m3u8',
  scope: 'hls/abc/',
  rewrite: (refs: readonly UriRef[]) => presigned.slice(0, refs.length),
};

const plain = variantPlaylist((i) => `seg-${String(i).padStart(5, '0')}.m4s`);
const crlf = variantPlaylist((i) => `seg-${String(i).padStart(5, '0')}.m4s`, '\r\n');
const nested = variantPlaylist((i) => `../720p/./seg-${String(i).padStart(5, '0')}.m4s?v=1`);
const byteRanges = variantPlaylist((i) => `#EXT-X-BYTERANGE:500000@${i * 500000}\nmain.mp4`);

describe(`rewritePlaylist, ${SEGMENTS} segments`, () => {
  bench('bare file names (LF)', () => {
    rewritePlaylist(plain, options);
  });
  bench('bare file names (CRLF)', () => {
    rewritePlaylist(crlf, options);
  });
  bench('../ paths with a query', () => {
    rewritePlaylist(nested, options);
  });
  bench('byte ranges of one file', () => {
    rewritePlaylist(byteRanges, options);
  });
});

// Adversarial input, at 1x and 4x its size: time should grow about 4x (linear), never
// 16x. vitest bench prints both rates; read the ratio, no target fails the run.
const rewriteAll = (refs: readonly UriRef[]) => refs.map(() => '/x');
const confined = (text: string) => () => {
  try {
    rewritePlaylist(text, { ...options, rewrite: rewriteAll, confine: true });
  } catch {
    // A refusal after a full scan is as good a measurement as a rewrite.
  }
};
function adversarial(scale: number): Record<string, string> {
  const n = 2000 * scale;
  const variable = `${'v'.repeat(100)}/`;
  return {
    // Every line expands a 100-character variable: expansion work, within its bound.
    defines: `#EXTM3U\n#EXT-X-DEFINE:NAME="v",VALUE="${variable}"\n${'#EXTINF:4,\n{$v}s.ts\n'.repeat(n)}`,
    // Deep relative paths: the resolver walks every segment.
    'dot segments': `#EXTM3U\n${`#EXTINF:4,\n${'a/../'.repeat(40)}s.ts\n`.repeat(n / 4)}`,
    // One attribute list of many quoted commas: the cursor's one pass.
    'long attribute list': `#EXTM3U\n#EXT-X-KEY:${'A="x,y",'.repeat(n * 4)}URI="k"\n`,
  };
}
const small = adversarial(1);
const large = adversarial(4);
for (const name of Object.keys(small)) {
  describe(`rewritePlaylist, adversarial: ${name} (1x vs 4x)`, () => {
    bench('1x', confined(small[name]!));
    bench('4x', confined(large[name]!));
  });
}
