import { describe, expect, it } from 'vitest';
import { isNotModified, parseHttpDate } from './conditional.ts';

// A body built in memory has an ETag but no upload time.
const built = { httpEtag: '"v1"' };
const ask = (headers: Record<string, string>) => isNotModified(new Headers(headers), built);

describe('isNotModified', () => {
  it.each([
    ['"v1"', true],
    ['W/"v1"', true],
    ['"v0", "v1"', true],
    [' "v0" ,, W/"v1" ', true],
    ['*', true],
    ['"v0"', false],
    ['"v1', false],
    ['v1', false],
    ['"v0" "v1"', false],
  ])('If-None-Match: %s → %s', (value, notModified) => {
    expect(ask({ 'If-None-Match': value })).toBe(notModified);
  });

  it('reads commas inside an entity-tag as part of it', () => {
    expect(isNotModified(new Headers({ 'If-None-Match': '"a,b"' }), { httpEtag: '"a,b"' })).toBe(
      true,
    );
    expect(isNotModified(new Headers({ 'If-None-Match': '"a,b"' }), { httpEtag: '"a"' })).toBe(
      false,
    );
  });

  it('is false without validators in the request', () => {
    expect(ask({})).toBe(false);
  });

  it('ignores If-Modified-Since for a body without an upload time', () => {
    expect(ask({ 'If-Modified-Since': 'Fri, 01 Jan 2100 00:00:00 GMT' })).toBe(false);
  });
});

describe('parseHttpDate (RFC 9110 §5.6.7)', () => {
  const time = Date.UTC(1994, 10, 6, 8, 49, 37);

  it.each([
    ['IMF-fixdate', 'Sun, 06 Nov 1994 08:49:37 GMT'],
    ['obsolete RFC 850', 'Sunday, 06-Nov-94 08:49:37 GMT'],
    ['obsolete asctime', 'Sun Nov  6 08:49:37 1994'],
  ])('reads the %s format', (_, value) => {
    expect(parseHttpDate(value)).toBe(time);
  });

  it.each([
    '1',
    'yesterday',
    '1994-11-06T08:49:37Z',
    'Sun, 06 Nov 1994 08:49:37 +0000',
    'Sun, 06 Nov 1994 08:49:37 GMT, Sun, 06 Nov 1994 08:49:37 GMT',
  ])('refuses %s', (value) => {
    expect(parseHttpDate(value)).toBeUndefined();
  });
});
