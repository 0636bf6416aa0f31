import { describe, expect, it } from 'vitest';
import { jsonError } from './json-error.ts';

describe('jsonError', () => {
  it('answers {"error": reason} as JSON with the status', async () => {
    const response = jsonError(404, 'not-found');
    expect(response.status).toBe(404);
    expect(response.headers.get('Content-Type')).toMatch(/^application\/json/);
    expect(await response.json()).toEqual({ error: 'not-found' });
  });

  it('is never cached, and never sniffed', () => {
    expect(jsonError(400, 'bad-key').headers.get('Cache-Control')).toBe('no-store');
    expect(jsonError(401, 'token-missing').headers.get('X-Content-Type-Options')).toBe('nosniff');
  });

  it('adds the caller’s headers', () => {
    const response = jsonError(429, 'rate-limited', { 'Retry-After': '30' });
    expect(response.headers.get('Retry-After')).toBe('30');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
  });
});
