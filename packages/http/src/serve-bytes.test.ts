import { describe, expect, it } from 'vitest';
import { serveBytes } from './serve-bytes.ts';

const text = '#EXTM3U\n#EXT-X-ENDLIST\n€\n';
const bytes = new TextEncoder().encode(text);
const serve = (init: RequestInit = {}) =>
  serveBytes(new Request('https://x.test/p.m3u8', init), bytes, '"abc"', { 'Content-Type': 'x/y' });

describe('serveBytes: bodies held in memory', () => {
  it('answers 200 with ETag, Accept-Ranges, the byte length and the caller’s headers', async () => {
    const response = serve();
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"abc"');
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('Content-Type')).toBe('x/y');
    expect(response.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it.each(['"abc"', 'W/"abc"', '"x", "abc"', '*'])('answers 304 to If-None-Match %s', (tag) => {
    const response = serve({ headers: { 'If-None-Match': tag } });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe('"abc"');
    expect(response.body).toBeNull();
  });

  it('answers 200 to an If-None-Match naming another tag', () => {
    expect(serve({ headers: { 'If-None-Match': '"other"' } }).status).toBe(200);
  });

  it('ignores If-Modified-Since (such a body has no Last-Modified)', () => {
    expect(
      serve({ headers: { 'If-Modified-Since': 'Wed, 01 Jan 2100 00:00:00 GMT' } }).status,
    ).toBe(200);
  });

  it('answers single and suffix ranges in bytes, not characters', async () => {
    const suffix = serve({ headers: { Range: 'bytes=-4' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('Content-Range')).toBe(
      `bytes ${bytes.length - 4}-${bytes.length - 1}/${bytes.length}`,
    );
    expect(suffix.headers.get('Content-Length')).toBe('4');
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.slice(-4));
    const first = serve({ headers: { Range: 'bytes=0-6' } });
    expect(first.status).toBe(206);
    expect(await first.text()).toBe('#EXTM3U');
  });

  it('answers an unsatisfiable range with 416 and ignores multi-ranges', () => {
    const beyond = serve({ headers: { Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('Content-Range')).toBe(`bytes */${bytes.length}`);
    expect(serve({ headers: { Range: 'bytes=0-1,3-4' } }).status).toBe(200);
  });

  it('applies a Range with If-Range only while the entity-tag still matches (strongly)', async () => {
    const range = { Range: 'bytes=0-6' };
    expect(serve({ headers: { ...range, 'If-Range': '"abc"' } }).status).toBe(206);
    const changed = serve({ headers: { ...range, 'If-Range': '"old"' } });
    expect(changed.status).toBe(200);
    expect(new Uint8Array(await changed.arrayBuffer())).toEqual(bytes);
    expect(serve({ headers: { ...range, 'If-Range': 'W/"abc"' } }).status).toBe(200);
    // A date cannot be matched: there is no Last-Modified.
    const date = 'Wed, 01 Jan 2020 00:00:00 GMT';
    expect(serve({ headers: { ...range, 'If-Range': date } }).status).toBe(200);
  });

  it('answers HEAD without a body and without applying Range', async () => {
    const response = serve({ method: 'HEAD', headers: { Range: 'bytes=0-1' } });
    expect(response.status).toBe(200);
    expect(response.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(response.body).toBeNull();
  });
});
