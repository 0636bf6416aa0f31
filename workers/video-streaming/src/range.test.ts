import { describe, expect, it } from 'vitest';
import { serveBytes } from './range.ts';

const text = '#EXTM3U\n#EXT-X-ENDLIST\n€\n';
const bytes = new TextEncoder().encode(text);
const serve = (init: RequestInit = {}) =>
  serveBytes(new Request('https://x.test/p.m3u8', init), bytes, '"abc"', { 'Content-Type': 'x/y' });

describe('in-memory playlist bodies', () => {
  it('answer 200 with ETag, Accept-Ranges and the byte length', async () => {
    const response = serve();
    expect(response.status).toBe(200);
    expect(response.headers.get('ETag')).toBe('"abc"');
    expect(response.headers.get('Accept-Ranges')).toBe('bytes');
    expect(response.headers.get('Content-Length')).toBe(String(bytes.length));
    expect(new Uint8Array(await response.arrayBuffer())).toEqual(bytes);
  });

  it.each(['"abc"', 'W/"abc"', '"x", "abc"', '*'])('answer 304 to If-None-Match %s', (tag) => {
    const response = serve({ headers: { 'If-None-Match': tag } });
    expect(response.status).toBe(304);
    expect(response.headers.get('ETag')).toBe('"abc"');
  });

  it('ignore If-Modified-Since (a playlist has no Last-Modified)', () => {
    expect(
      serve({ headers: { 'If-Modified-Since': 'Wed, 01 Jan 2100 00:00:00 GMT' } }).status,
    ).toBe(200);
  });

  it('answer single and suffix ranges in bytes, not characters', async () => {
    const suffix = serve({ headers: { Range: 'bytes=-4' } });
    expect(suffix.status).toBe(206);
    expect(suffix.headers.get('Content-Range')).toBe(
      `bytes ${bytes.length - 4}-${bytes.length - 1}/${bytes.length}`,
    );
    expect(new Uint8Array(await suffix.arrayBuffer())).toEqual(bytes.slice(-4));
  });

  it('answer an unsatisfiable range with 416 and ignore multi-ranges', () => {
    const beyond = serve({ headers: { Range: `bytes=${bytes.length}-` } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get('Content-Range')).toBe(`bytes */${bytes.length}`);
    expect(serve({ headers: { Range: 'bytes=0-1,3-4' } }).status).toBe(200);
  });

  it('answer HEAD without a body and without applying Range', async () => {
    const response = serve({ method: 'HEAD', headers: { Range: 'bytes=0-1' } });
    expect(response.status).toBe(200);
    expect(response.body).toBeNull();
  });
});
