import { verifyPresignedUrl } from '@edge-gallery/r2-signer';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { S3_CREDENTIALS, testPresigner } from '../../test/tokens.ts';
import { Failure } from '../failure.ts';
import { buildTemplate } from '../template.ts';
import { PlaylistRefused, rewritePlaylist } from './rewrite.ts';

// Property-based: any text a bucket could hold, as a playlist. Bounded here (CI); `pnpm fuzz`
// runs VITE_FUZZ_RUNS cases. Speed on adversarial input is measured in rewrite.bench.ts.
const env = (import.meta as { env?: Record<string, string | undefined> }).env ?? {};
const runs = Number(env.VITE_FUZZ_RUNS ?? 300);

const SCOPE = 'hls/vid/';
const KEY = 'hls/vid/a/index.m3u8';
const WORKER = 'https://video.test';

// Pieces that matter to a resolver and to a player: dots, slashes, escapes, schemes,
// authorities, variables, quotes, blanks, non-ASCII, controls.
const piece = fc.constantFrom(
  'seg',
  '0',
  '.ts',
  '.',
  '..',
  '/',
  '//',
  '\\',
  '%',
  '%2e',
  '%2F',
  '%41',
  '%zz',
  '?q=1',
  '#f',
  ':',
  'http:',
  'https://evil.example',
  '//evil.example',
  'data:,x',
  'skd://k',
  '{$v}',
  '{$w}',
  '{$',
  '}',
  '"',
  ',',
  ' ',
  '\t',
  '\r',
  'é',
  '\u0000',
  '\u0085',
  '\ud800',
  'hls',
  'vid',
  '=',
);
const uri = fc.array(piece, { maxLength: 8 }).map((parts) => parts.join(''));
const TAGS = [
  'EXT-X-KEY',
  'EXT-X-SESSION-KEY',
  'EXT-X-MAP',
  'EXT-X-PART',
  'EXT-X-PRELOAD-HINT',
  'EXT-X-SESSION-DATA',
  'EXT-X-MEDIA',
  'EXT-X-I-FRAME-STREAM-INF',
  'EXT-X-IMAGE-STREAM-INF',
  'EXT-X-RENDITION-REPORT',
  'EXT-X-DATERANGE',
  'EXT-X-CONTENT-STEERING',
  'EXT-X-UNKNOWN',
];
const line = fc.oneof(
  uri,
  fc
    .tuple(
      fc.constantFrom(...TAGS),
      fc.constantFrom('URI', 'X-ASSET-URI', 'X-ASSET-LIST', 'SERVER-URI', 'X-URI'),
      uri,
      fc.constantFrom('', 'METHOD=NONE,', 'METHOD=AES-128,', 'A="x,URI=y",'),
      fc.boolean(),
    )
    .map(([tag, name, value, before, quoted]) =>
      quoted ? `#${tag}:${before}${name}="${value}"` : `#${tag}:${before}${name}=${value}`,
    ),
  fc
    .tuple(fc.constantFrom('v', 'w'), uri)
    .map(([name, value]) => `#EXT-X-DEFINE:NAME="${name}",VALUE="${value}"`),
  fc.constantFrom(
    '#EXTM3U',
    '#EXTINF:4,',
    '#EXT-X-STREAM-INF:BANDWIDTH=1',
    '#EXT-X-DEFINE:IMPORT="w"',
    '#EXT-X-DEFINE:QUERYPARAM="sig"',
    '# a comment',
    '',
  ),
  fc.string({ maxLength: 40 }),
);
const playlist = fc.oneof(
  fc
    .tuple(fc.array(line, { maxLength: 30 }), fc.constantFrom('\n', '\r\n'), fc.boolean())
    .map(([lines, eol, bom]) => (bom ? '\ufeff' : '') + lines.join(eol)),
  fc.string({ unit: 'binary', maxLength: 400 }),
);

/** The variables a player would know: NAME/VALUE pairs, first definition wins. */
function definitions(text: string): Map<string, string> {
  const values = new Map<string, string>();
  for (const [, name, value] of text.matchAll(/#EXT-X-DEFINE:NAME="([^"]*)",VALUE="([^"]*)"/g)) {
    if (!values.has(name!)) values.set(name!, value!);
  }
  return values;
}

function leavesOrigin(uri: string, base: string): boolean {
  let url: URL;
  try {
    url = new URL(uri, base);
  } catch {
    return false;
  }
  return url.protocol !== 'data:' && url.protocol !== 'skd:' && url.origin !== WORKER;
}

describe('playlist rewrite, any input', () => {
  it('returns or refuses (PlaylistRefused), never throws anything else; keys stay in scope', () => {
    fc.assert(
      fc.property(playlist, fc.boolean(), (text, confine) => {
        let keys: string[] = [];
        let output: string;
        try {
          output = rewritePlaylist(text, {
            playlistKey: KEY,
            scope: SCOPE,
            confine,
            rewrite: (refs) => {
              keys = refs.map((ref) => ref.key);
              return refs.map((_, i) => `https://replaced.test/${i}`);
            },
          });
        } catch (error) {
          if (error instanceof PlaylistRefused) return;
          throw error;
        }
        for (const key of keys) {
          expect(key.startsWith(SCOPE), key).toBe(true);
          expect(
            key.split('/').some((s) => s === '' || s === '.' || s === '..'),
            key,
          ).toBe(false);
          // biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
          expect(/[\\\u0000-\u001f]/.test(key), key).toBe(false);
        }
        // Only URIs change: as many line breaks, and nothing at all without refs.
        expect(output.split('\n').length).toBe(text.split('\n').length);
        if (keys.length === 0) expect(output).toBe(text);
      }),
      { numRuns: runs },
    );
  });

  it('serves a playlist only when every URI a player would fetch is kept on the origin or verifies', () => {
    const presigner = testPresigner('https://account.r2.cloudflarestorage.com', 'media');
    const now = Date.UTC(2030, 0, 1);
    fc.assert(
      fc.property(playlist, fc.constantFrom('presign', 'token'), (text, strategy) => {
        let parts: readonly string[];
        try {
          ({ parts } = buildTemplate(
            { text, etag: '"e"' },
            {
              key: KEY,
              scope: SCOPE,
              strategy,
              presigner,
              windowStart: now,
              urlLifetime: 600,
              publicBase: null,
              tagBase: 't',
            },
          ));
        } catch (error) {
          if (error instanceof Failure && error.reason === 'bad-playlist') return;
          throw error;
        }
        const served = parts.join('scope=x&sig=TOKEN');
        const base = `${WORKER}/api/${KEY}?scope=x&sig=TOKEN`;
        const variables = definitions(text);
        for (const raw of served.split(/\r?\n|\r/)) {
          const trimmed = raw.replace(/^\ufeff/, '').trim();
          // What a player fetches: URI lines, URI of the URI-bearing tags, the interstitial's
          // asset URI and list (unknown tags and attributes are not fetched).
          const tag = /^#([A-Z0-9-]+)/.exec(trimmed)?.[1];
          const names =
            tag === 'EXT-X-DATERANGE'
              ? 'X-ASSET-URI|X-ASSET-LIST'
              : tag === 'EXT-X-UNKNOWN'
                ? ''
                : 'URI';
          const uris = trimmed.startsWith('#')
            ? names === ''
              ? []
              : [...trimmed.matchAll(new RegExp(`[:,](?:${names})="([^"]*)"`, 'g'))].map(
                  (m) => m[1]!,
                )
            : trimmed === ''
              ? []
              : [trimmed];
          for (const found of uris) {
            const expanded = found.replace(
              /\{\$([^}]*)\}/g,
              (m, n: string) => variables.get(n) ?? m,
            );
            if (expanded.includes('sig=TOKEN')) {
              // The token goes only to this worker, under the video's scope.
              const url = new URL(expanded, base);
              expect(url.origin, expanded).toBe(WORKER);
              expect(url.pathname.startsWith(`/api/${SCOPE}`), expanded).toBe(true);
            } else if (expanded.startsWith('https://account.r2.cloudflarestorage.com/')) {
              const verdict = verifyPresignedUrl(expanded, {
                credentials: S3_CREDENTIALS,
                region: 'auto',
                now,
              });
              expect(verdict.ok && verdict.key.startsWith(SCOPE), expanded).toBe(true);
            } else if (!/METHOD=NONE/.test(trimmed)) {
              expect(leavesOrigin(expanded, base), expanded).toBe(false);
            }
          }
        }
      }),
      { numRuns: runs },
    );
  });
});
