import { AwsClient } from 'aws4fetch';
import { describe, expect, it } from 'vitest';
import { s3Example } from '../conformance/corpus.ts';
import { createPresigner, type PresignerConfig } from './presigner.ts';
import { verifyPresignedUrl } from './verify.ts';

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);
const config: PresignerConfig = {
  accessKeyId: 'dev-access-key',
  secretAccessKey: 'dev-secret-0123456789',
  endpoint: 'http://localhost:8789',
  bucket: 'edge-gallery-media',
  region: 'auto',
};
const credentials = { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey };
const presigner = createPresigner(config);
const sign = (key: string, expiresIn = 3600) => presigner.presign(key, { now: NOW, expiresIn });

/** The URL with one query parameter replaced, written as a client would send it. */
function withParam(url: string, name: string, value: string): string {
  const parsed = new URL(url);
  parsed.searchParams.set(name, value);
  return parsed.href;
}

describe('verifyPresignedUrl', () => {
  it('covers signed query parameters: a response override cannot be changed, added or dropped', () => {
    const disposition = `attachment; filename="a.jpg"; filename*=UTF-8''%C3%A9.jpg`;
    const url = presigner.presign('originals/a.jpg', {
      now: NOW,
      query: { 'response-content-disposition': disposition },
    });
    expect(verifyPresignedUrl(url, { credentials, now: NOW })).toMatchObject({ ok: true });
    const changed = withParam(url, 'response-content-disposition', 'inline');
    const added = withParam(url, 'response-content-type', 'text/html');
    const dropped = new URL(url);
    dropped.searchParams.delete('response-content-disposition');
    for (const tampered of [changed, added, dropped.href]) {
      expect(verifyPresignedUrl(tampered, { credentials, now: NOW })).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    }
  });

  it('accepts what the presigner signs and returns bucket, key and expiry', () => {
    const key = 'hls/v1/720p/a b+c%d~é/😀//end/';
    expect(verifyPresignedUrl(sign(key), { credentials, now: NOW })).toEqual({
      ok: true,
      key,
      bucket: 'edge-gallery-media',
      expiresAt: NOW / 1000 + 3600,
    });
  });

  it('accepts the S3 documentation example (virtual-hosted)', () => {
    const verdict = verifyPresignedUrl(s3Example.url, {
      credentials: s3Example.credentials,
      region: 'us-east-1',
      style: 'virtual-hosted',
      now: Date.parse('2013-05-24T12:00:00Z'),
    });
    expect(verdict).toEqual({
      ok: true,
      key: 'test.txt',
      bucket: undefined,
      expiresAt: Date.parse('2013-05-25T00:00:00Z') / 1000,
    });
  });

  it('accepts URLs signed by aws4fetch, whatever their parameter order', async () => {
    const client = new AwsClient({ ...credentials, service: 's3', region: 'auto' });
    const signed = await client.sign(
      `${config.endpoint}/${config.bucket}/photos/a%20b.jpg?X-Amz-Expires=60`,
      {
        aws: { signQuery: true, datetime: '20261121T100000Z' },
      },
    );
    expect(verifyPresignedUrl(signed.url, { credentials, now: NOW })).toMatchObject({
      ok: true,
      key: 'photos/a b.jpg',
    });
  });

  it('looks the secret up by access key id', () => {
    const lookup = (id: string) => (id === config.accessKeyId ? config.secretAccessKey : undefined);
    expect(verifyPresignedUrl(sign('k'), { credentials: lookup, now: NOW }).ok).toBe(true);
    const other = createPresigner({ ...config, accessKeyId: 'someone-else' }).presign('k', {
      now: NOW,
    });
    expect(verifyPresignedUrl(other, { credentials: lookup, now: NOW })).toEqual({
      ok: false,
      reason: 'unknown-access-key',
    });
    expect(verifyPresignedUrl(other, { credentials, now: NOW })).toEqual({
      ok: false,
      reason: 'unknown-access-key',
    });
  });

  it('checks the method the URL was presigned for: GET unless told otherwise', () => {
    const head = createPresigner({ ...config, method: 'HEAD' }).presign('k', { now: NOW });
    const put = createPresigner({ ...config, method: 'PUT' }).presign('k', { now: NOW });
    const verify = (url: string, method?: 'GET' | 'HEAD' | 'PUT') =>
      verifyPresignedUrl(url, { credentials, now: NOW, ...(method && { method }) });
    expect(verify(head, 'HEAD')).toMatchObject({ ok: true, key: 'k' });
    expect(verify(put, 'PUT')).toMatchObject({ ok: true, key: 'k' });
    expect(verify(sign('k'), 'HEAD')).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(head)).toEqual({ ok: false, reason: 'bad-signature' });
    expect(verify(put, 'GET')).toEqual({ ok: false, reason: 'bad-signature' });
  });

  describe('rejects, with a reason', () => {
    const url = sign('hls/v1/seg.m4s');
    const cases: [string, string, string][] = [
      ['a changed key', url.replace('seg.m4s', 'seh.m4s'), 'bad-signature'],
      ['a changed bucket', url.replace('/edge-gallery-media/', '/other-bucket/'), 'bad-signature'],
      ['a changed host', url.replace('localhost:8789', 'localhost:8790'), 'bad-signature'],
      ['a longer expiry', withParam(url, 'X-Amz-Expires', '7200'), 'bad-signature'],
      ['another date', withParam(url, 'X-Amz-Date', '20261121T100001Z'), 'bad-signature'],
      ['an added parameter', `${url}&response-content-type=text%2Fhtml`, 'bad-signature'],
      [
        'a flipped signature bit',
        url.replace(/.$/, (c) => (c === '0' ? '1' : '0')),
        'bad-signature',
      ],
      [
        'another secret',
        createPresigner({ ...config, secretAccessKey: 'not-the-secret' }).presign('k', {
          now: NOW,
        }),
        'bad-signature',
      ],
      ['a missing signature', url.replace(/&X-Amz-Signature=.*$/, ''), 'malformed'],
      ['a duplicated signature', `${url}&X-Amz-Signature=${'0'.repeat(64)}`, 'malformed'],
      [
        'an upper-case signature',
        url.replace(
          /X-Amz-Signature=(.*)$/,
          (_, s: string) => `X-Amz-Signature=${s.toUpperCase()}`,
        ),
        'malformed',
      ],
      ['a bad date', withParam(url, 'X-Amz-Date', '20261131T100000Z'), 'malformed'],
      ['an expiry over 7 days', withParam(url, 'X-Amz-Expires', '604801'), 'malformed'],
      ['a zero expiry', withParam(url, 'X-Amz-Expires', '0'), 'malformed'],
      ['broken percent-encoding', url.replace('seg.m4s', 'seg%E0.m4s'), 'malformed'],
      ['no key', url.replace('/hls/v1/seg.m4s', '/'), 'malformed'],
      ['not a URL', 'hls/v1/seg.m4s', 'malformed'],
      ['another algorithm', withParam(url, 'X-Amz-Algorithm', 'AWS4-HMAC-SHA512'), 'unsupported'],
      ['more signed headers', withParam(url, 'X-Amz-SignedHeaders', 'host;range'), 'unsupported'],
      [
        'a credential for another day',
        withParam(url, 'X-Amz-Credential', `${config.accessKeyId}/20261120/auto/s3/aws4_request`),
        'wrong-scope',
      ],
      [
        'a credential for another service',
        withParam(url, 'X-Amz-Credential', `${config.accessKeyId}/20261121/auto/sqs/aws4_request`),
        'wrong-scope',
      ],
    ];
    it.each(cases)('%s', (_name, candidate, reason) => {
      expect(verifyPresignedUrl(candidate, { credentials, now: NOW })).toEqual({
        ok: false,
        reason,
      });
    });

    it('a region other than the expected one', () => {
      expect(verifyPresignedUrl(url, { credentials, region: 'us-east-1', now: NOW })).toEqual({
        ok: false,
        reason: 'wrong-scope',
      });
      expect(verifyPresignedUrl(url, { credentials, region: 'auto', now: NOW }).ok).toBe(true);
    });

    it('expiry: valid until the last millisecond before date + X-Amz-Expires', () => {
      const short = sign('k', 60);
      expect(verifyPresignedUrl(short, { credentials, now: NOW + 59_999 }).ok).toBe(true);
      expect(verifyPresignedUrl(short, { credentials, now: NOW + 60_000 })).toEqual({
        ok: false,
        reason: 'expired',
      });
    });

    it('not yet valid: a date beyond the skew allowance (default 60 s)', () => {
      expect(verifyPresignedUrl(url, { credentials, now: NOW - 60_000 }).ok).toBe(true);
      expect(verifyPresignedUrl(url, { credentials, now: NOW - 60_001 })).toEqual({
        ok: false,
        reason: 'not-yet-valid',
      });
      expect(verifyPresignedUrl(url, { credentials, now: NOW - 60_001, skewSeconds: 120 }).ok).toBe(
        true,
      );
    });

    it('a forged URL gets bad-signature, never a time reason', () => {
      const forged = withParam(url, 'X-Amz-Expires', '1');
      expect(verifyPresignedUrl(forged, { credentials, now: NOW + 10_000_000 })).toEqual({
        ok: false,
        reason: 'bad-signature',
      });
    });
  });

  it('reads "+" in a query value as a plus, as S3 does: aws4fetch writes a signed space as "+"', async () => {
    // aws4fetch signs the value "a b" as a%20b but writes the URL with URLSearchParams,
    // which turns the space into "+" (aws4fetch issue #83). S3 reads "+" in a query as
    // a plus, computes a%2Bb and refuses the URL; so does this verifier.
    const client = new AwsClient({ ...credentials, service: 's3', region: 'auto' });
    const signed = await client.sign(
      `${config.endpoint}/${config.bucket}/k?response-content-disposition=a%20b&X-Amz-Expires=60`,
      { aws: { signQuery: true, datetime: '20261121T100000Z' } },
    );
    expect(signed.url).toContain('response-content-disposition=a+b');
    expect(verifyPresignedUrl(signed.url, { credentials, now: NOW })).toEqual({
      ok: false,
      reason: 'bad-signature',
    });
    // The same URL with the space written as %20 is what aws4fetch actually signed.
    const fixed = signed.url.replace('a+b', 'a%20b');
    expect(verifyPresignedUrl(fixed, { credentials, now: NOW })).toMatchObject({
      ok: true,
      key: 'k',
    });
  });
});
