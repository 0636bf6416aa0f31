import { describe, expect, it } from 'vitest';
import { classifyHlsError } from './hls-engine.ts';

const network = (code: number | undefined, fatal: boolean, details = 'fragLoadError') => ({
  type: 'networkError',
  details,
  fatal,
  response: code === undefined ? undefined : { code },
});

describe('hls.js errors the player acts on', () => {
  it('treats 403 from storage (an expired presigned URL) as expired at once, fatal or not', () => {
    expect(classifyHlsError(network(403, false))).toBe('expired');
    expect(classifyHlsError(network(403, true))).toBe('expired');
  });

  it('treats 401/403 from the video worker (an expired token) as expired', () => {
    expect(classifyHlsError(network(401, true, 'manifestLoadError'))).toBe('expired');
    expect(classifyHlsError(network(403, false, 'levelLoadError'))).toBe('expired');
  });

  it('leaves other non-fatal network errors to hls.js retries', () => {
    expect(classifyHlsError(network(503, false))).toBeUndefined();
    expect(classifyHlsError(network(0, false))).toBeUndefined();
  });

  it('reloads after a fatal network error (e.g. a refused request without CORS headers)', () => {
    expect(classifyHlsError(network(0, true))).toBe('network');
    expect(classifyHlsError(network(undefined, true, 'fragLoadTimeOut'))).toBe('network');
  });

  it('reports a missing video as such, so the player does not retry it', () => {
    expect(classifyHlsError(network(404, true, 'manifestLoadError'))).toBe('not-found');
  });

  it('reports fatal media errors and ignores non-fatal ones', () => {
    expect(
      classifyHlsError({ type: 'mediaError', details: 'bufferStalledError', fatal: false }),
    ).toBe(undefined);
    expect(
      classifyHlsError({ type: 'mediaError', details: 'bufferAppendError', fatal: true }),
    ).toBe('media');
  });
});
