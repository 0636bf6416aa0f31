import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it } from 'vitest';
import { ALL_STRATEGIES, BUCKET, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { tokenFor, verifyPresigned, verifyTokenUri } from '../test/tokens.ts';
import { urisOf } from '../test/video.ts';
import { T0, testWorker, textOf } from '../test/worker.ts';

// Every playlist of the conformance corpus (shared/conformance/m3u8), served by the whole
// worker under each strategy: each URI comes out either exactly as it was, or rewritten
// to something that verifies — a presigned URL with the signer's own verifier, a URI
// back to this worker with the playback-token verifier, a public URL under the base.
// A playlist that could take the player (and its token) to another host is refused with
// 502 bad-playlist instead: the rule is written again here, by lines, independently of
// the rewriter's attribute cursor.

const corpus = import.meta.glob<string>('../../../../shared/conformance/m3u8/**/*.m3u8', {
  eager: true,
  query: '?raw',
  import: 'default',
});
const files = Object.entries(corpus).map(([path, text], index) => ({
  name: path.slice(path.indexOf('m3u8/') + 'm3u8/'.length),
  text,
  video: `conformance-${index}`,
}));

// Nested two levels down, so that both '../' (inside the video) and '../../../' (outside) occur.
const DIR = 'a/b';

let worker: ReturnType<typeof testWorker>;

beforeAll(async () => {
  await resetKv();
  worker = testWorker();
  await publishConfig(worker, ALL_STRATEGIES);
  for (const file of files) await env.MEDIA.put(`hls/${file.video}/${DIR}/list.m3u8`, file.text);
});

// A bare file name (with or without a query) names an object inside the video: it must change.
const PLAIN_NAME = /^[A-Za-z0-9_][A-Za-z0-9._-]*(\?[^#]*)?$/;

const ORIGIN = 'https://video.test';

/** Whether a player would fetch `uri` (as served from a worker URL) from another origin. */
function leavesOrigin(uri: string): boolean {
  let url: URL;
  try {
    url = new URL(uri, `${ORIGIN}/api/hls/v/${DIR}/list.m3u8`);
  } catch {
    return false;
  }
  return url.protocol !== 'data:' && url.protocol !== 'skd:' && url.origin !== ORIGIN;
}

/** The URIs a player would fetch, variables expanded; undefined for an undefined variable. */
function fetchedUris(text: string): (string | undefined)[] {
  const values = new Map<string, string>();
  for (const [, name, value] of text.matchAll(/^#EXT-X-DEFINE:NAME="([^"]*)",VALUE="([^"]*)"/gm)) {
    if (!values.has(name!)) values.set(name!, value!);
  }
  const lines = text.split(/\r?\n/).filter((line) => !/METHOD=NONE/.test(line));
  return urisOf(lines.join('\n')).map((uri) => {
    let undefinedName = false;
    const expanded = uri.replace(/\{\$([^}]*)\}/g, (_, name: string) => {
      const value = values.get(name);
      if (value === undefined) undefinedName = true;
      return value ?? '';
    });
    return undefinedName ? undefined : expanded;
  });
}

function mayLeave(text: string): boolean {
  return (
    /^#EXT-X-CONTENT-STEERING/m.test(text) ||
    /^#EXT-X-DEFINE:.*QUERYPARAM=/m.test(text) ||
    fetchedUris(text).some((uri) => uri === undefined || leavesOrigin(uri))
  );
}

function checkUri(
  uri: string,
  original: string,
  video: string,
  strategy: keyof typeof BUCKET,
): void {
  if (uri === original) {
    expect(PLAIN_NAME.test(original), `${original} was left as it was`).toBe(false);
    return;
  }
  if (uri.startsWith('/api/hls/')) {
    const { key, verdict } = verifyTokenUri(uri, T0);
    expect(verdict.ok, `${uri} (token)`).toBe(true);
    expect(key.startsWith(`hls/${video}/`)).toBe(true);
    return;
  }
  if (strategy === 'public' && uri.startsWith(`${ALL_STRATEGIES.publicBase}/hls/${video}/`)) return;
  const verdict = verifyPresigned(uri, T0);
  expect(verdict.ok, `${uri} (presigned, from ${original})`).toBe(true);
  expect(verdict.ok && verdict.key.startsWith(`hls/${video}/`)).toBe(true);
}

describe('conformance corpus through the worker', () => {
  it('has playlists to serve', () => {
    expect(files.length).toBeGreaterThan(50);
  });

  for (const strategy of Object.keys(BUCKET) as (keyof typeof BUCKET)[]) {
    it.each(files)(
      `serves $name under ${strategy} with every URI kept or verifiable`,
      async ({ text, video }) => {
        const token = tokenFor(video, { bucket: BUCKET[strategy] });
        const response = await worker.fetch(`/api/hls/${video}/${DIR}/list.m3u8?${token}`);
        if (mayLeave(text)) {
          expect(response.status).toBe(502);
          expect(await response.json()).toEqual({ error: 'bad-playlist' });
          return;
        }
        expect(response.status).toBe(200);
        expect(response.headers.get('Content-Type')).toBe('application/vnd.apple.mpegurl');
        const output = await textOf(response);
        const before = urisOf(text);
        const after = urisOf(output);
        expect(after).toHaveLength(before.length);
        after.forEach((uri, i) => {
          checkUri(uri, before[i]!, video, strategy);
        });
        // Only URIs change: the non-URI lines are the same lines.
        const strip = (playlist: string) =>
          playlist
            .split(/\r?\n/)
            .filter((line) => line.trim().startsWith('#') && !line.includes('URI="'));
        expect(strip(output)).toEqual(strip(text));
      },
    );
  }
});
