import { describe, expect, it } from 'vitest';
import { answerFor } from './answer.ts';

const validators = { httpEtag: '"v1"', uploaded: new Date('2026-01-02T03:04:05.678Z') };
const lastModified = 'Fri, 02 Jan 2026 03:04:05 GMT';
const answer = (headers: Record<string, string>, method = 'GET') =>
  answerFor(new Request('https://x.test/o', { method, headers }), validators, 100);

describe('answerFor: 304, 416, 206 or 200 (RFC 9110 §13.2.2)', () => {
  it.each([
    [{}, { status: 200 }],
    [{ 'If-None-Match': '"v1"' }, { status: 304 }],
    [{ 'If-None-Match': '"v0"', 'If-Modified-Since': lastModified }, { status: 200 }],
    [{ 'If-Modified-Since': lastModified }, { status: 304 }],
    [{ 'If-Modified-Since': 'Thu, 01 Jan 2026 00:00:00 GMT' }, { status: 200 }],
    [{ Range: 'bytes=10-19' }, { status: 206, range: { offset: 10, length: 10 } }],
    [{ Range: 'bytes=-5' }, { status: 206, range: { offset: 95, length: 5 } }],
    [{ Range: 'bytes=100-' }, { status: 416 }],
    [{ Range: 'bytes=0-1,5-6' }, { status: 200 }],
    [
      { Range: 'bytes=10-19', 'If-Range': '"v1"' },
      { status: 206, range: { offset: 10, length: 10 } },
    ],
    [
      { Range: 'bytes=10-19', 'If-Range': lastModified },
      { status: 206, range: { offset: 10, length: 10 } },
    ],
    [{ Range: 'bytes=10-19', 'If-Range': '"v0"' }, { status: 200 }],
    [{ Range: 'bytes=100-', 'If-Range': '"v0"' }, { status: 200 }],
    [{ Range: 'bytes=10-19', 'If-None-Match': '"v1"' }, { status: 304 }],
  ])('%j → %j', (headers, expected) => {
    expect(answer(headers)).toEqual(expected);
  });

  it('never applies Range to a HEAD', () => {
    expect(answer({ Range: 'bytes=10-19' }, 'HEAD')).toEqual({ status: 200 });
    expect(answer({ 'If-None-Match': '"v1"' }, 'HEAD')).toEqual({ status: 304 });
  });
});
