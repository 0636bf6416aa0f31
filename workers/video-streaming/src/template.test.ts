import { describe, expect, it, vi } from 'vitest';
import { testPresigner } from '../test/tokens.ts';
import { variantPlaylist } from '../test/video.ts';
import { Failure } from './failure.ts';
import { type BuildOptions, buildTemplate, renderTemplate as renderBytes } from './template.ts';

const renderTemplate = (template: Parameters<typeof renderBytes>[0], query: string) =>
  new TextDecoder().decode(renderBytes(template, query));

const presigner = testPresigner('http://localhost:8789', 'edge-gallery-media');
const T = Date.UTC(2030, 0, 1);
const options = (overrides: Partial<BuildOptions> = {}): BuildOptions => ({
  key: 'hls/v/720p/index.m3u8',
  scope: 'hls/v/',
  strategy: 'presign',
  presigner,
  windowStart: T,
  urlLifetime: 3900,
  publicBase: 'https://media.example.com',
  tagBase: 'base',
  ...overrides,
});
const source = (text: string) => ({ text, etag: '"e1"' });

describe('playlist templates', () => {
  it('presign all media URIs of a playlist in one batch at the window start', () => {
    const batch = vi.spyOn(presigner, 'presignBatch');
    const single = vi.spyOn(presigner, 'presign');
    const template = buildTemplate(source(variantPlaylist(600)), options());
    expect(batch).toHaveBeenCalledTimes(1);
    expect(batch.mock.calls[0]![0]).toHaveLength(601);
    expect(batch.mock.calls[0]![1]).toEqual({ expiresIn: 3900, now: T });
    expect(single).not.toHaveBeenCalled();
    expect(template.parts).toHaveLength(1); // nothing personal: the same bytes for everyone
    expect(template.urlsExpireAt).toBe(T / 1000 + 3900);
  });

  it('leave a slot for the visitor token in every URI back to the worker', () => {
    const template = buildTemplate(
      source('#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\nlow/index.m3u8\n'),
      options({ key: 'hls/v/master.m3u8' }),
    );
    expect(template.parts).toEqual([
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n/api/hls/v/low/index.m3u8?',
      '\n',
    ]);
    expect(renderTemplate(template, 'scope=x&sig=y')).toBe(
      '#EXTM3U\n#EXT-X-STREAM-INF:BANDWIDTH=1\n/api/hls/v/low/index.m3u8?scope=x&sig=y\n',
    );
    expect(template.urlsExpireAt).toBeNull();
  });

  it('point media at the worker under the token strategy, with no crypto', () => {
    const batch = vi.spyOn(presigner, 'presignBatch');
    const template = buildTemplate(source(variantPlaylist(2)), options({ strategy: 'token' }));
    expect(batch).not.toHaveBeenCalled();
    expect(renderTemplate(template, 'T')).toContain('\n/api/hls/v/720p/seg1.m4s?T\n');
    expect(renderTemplate(template, 'T')).toContain('#EXT-X-MAP:URI="/api/hls/v/720p/init.mp4?T"');
  });

  it('point media at the public base under the public strategy', () => {
    const template = buildTemplate(source(variantPlaylist(1)), options({ strategy: 'public' }));
    expect(renderTemplate(template, 'T')).toContain(
      '\nhttps://media.example.com/hls/v/720p/seg0.m4s\n',
    );
  });

  it('are tagged by source, window and config', () => {
    const a = buildTemplate(source(variantPlaylist(1)), options());
    expect(buildTemplate(source(variantPlaylist(1)), options()).tag).toBe(a.tag);
    expect(buildTemplate({ text: variantPlaylist(1), etag: '"e2"' }, options()).tag).not.toBe(
      a.tag,
    );
    expect(buildTemplate(source(variantPlaylist(1)), options({ tagBase: 'other' })).tag).not.toBe(
      a.tag,
    );
  });

  it('refuse a playlist naming a key S3 cannot sign (over 1,024 bytes) as a bad playlist', () => {
    const long = `${'x/'.repeat(520)}seg.m4s`;
    expect(() => buildTemplate(source(`#EXTM3U\n${long}\n`), options())).toThrow(
      expect.objectContaining({ reason: 'bad-playlist' }),
    );
  });

  it('refuse a playlist with a NUL (RFC 8216 forbids control characters)', () => {
    try {
      buildTemplate(source('#EXTM3U\n\u0000\n'), options());
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(Failure);
      expect((error as Failure).reason).toBe('bad-playlist');
    }
  });
});
