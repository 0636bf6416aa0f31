import { describe, expect, it } from 'vitest';
import { crtCases, s3Example } from '../conformance/corpus.ts';
import {
  amzDate,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';

// S3 signs the path as given (no normalisation, single encoding), so only the CRT cases
// that do not normalise apply, and of those the ones that sign `host` alone: the signer
// never signs other headers.
const applicable = crtCases.filter(
  (c) => !c.name.endsWith('-normalized') && c.request.headers.length === 0,
);

const EMPTY_BODY_SHA256 = 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855';

function queryPairs(query: string): [string, string][] {
  return query === ''
    ? []
    : query.split('&').map((pair) => {
        const [name = '', value = ''] = pair.split('=');
        return [decodeURIComponent(name), decodeURIComponent(value)];
      });
}

describe('SigV4 steps, against the AWS CRT query-signing suite', () => {
  it('covers the unnormalised and plain cases of the suite', () => {
    expect(applicable.map((c) => c.name)).toEqual(
      expect.arrayContaining([
        'get-vanilla',
        'get-utf8',
        'get-space-unnormalized',
        'get-slash-unnormalized',
        'get-slashes-unnormalized',
        'get-slash-dot-slash-unnormalized',
        'get-relative-relative-unnormalized',
        'get-vanilla-with-session-token',
        'get-vanilla-query-order-encoded',
      ]),
    );
    expect(applicable.length).toBeGreaterThanOrEqual(15);
  });

  it.each(applicable.map((c) => [c.name, c] as const))('%s', (_name, c) => {
    const date = amzDate(Date.parse(c.context.timestamp));
    const day = date.slice(0, 8);
    const scope = credentialScope(day, c.context.region, c.context.service);
    const { access_key_id, secret_access_key, token } = c.context.credentials;
    // The suite's request lines hold the raw path and the query as sent (percent-encoded).
    const params: [string, string][] = [
      ...queryPairs(c.request.query),
      ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
      ['X-Amz-Credential', `${access_key_id}/${scope}`],
      ['X-Amz-Date', date],
      ['X-Amz-Expires', String(c.context.expiration_in_seconds)],
      ['X-Amz-SignedHeaders', 'host'],
    ];
    if (token !== undefined) params.push(['X-Amz-Security-Token', token]);
    const request = canonicalRequest({
      method: c.request.method,
      canonicalUri: canonicalUri(c.request.path),
      canonicalQueryString: canonicalQueryString(params),
      host: c.request.host,
      payloadHash: EMPTY_BODY_SHA256,
    });
    expect(request).toBe(c.canonicalRequest);
    const toSign = stringToSign(date, scope, request);
    expect(toSign).toBe(c.stringToSign);
    const key = signingKey(secret_access_key, day, c.context.region, c.context.service);
    expect(signature(key, toSign)).toBe(c.signature);
  });
});

describe('SigV4 steps, against the S3 documentation example', () => {
  it('builds its canonical request, string to sign and signature', () => {
    const e = s3Example;
    const day = e.amzDate.slice(0, 8);
    const scope = credentialScope(day, e.region, e.service);
    const request = canonicalRequest({
      method: 'GET',
      canonicalUri: canonicalUri(e.path),
      canonicalQueryString: canonicalQueryString([
        ['X-Amz-Algorithm', 'AWS4-HMAC-SHA256'],
        ['X-Amz-Credential', `${e.credentials.accessKeyId}/${scope}`],
        ['X-Amz-Date', e.amzDate],
        ['X-Amz-Expires', String(e.expires)],
        ['X-Amz-SignedHeaders', 'host'],
      ]),
      host: e.host,
      payloadHash: 'UNSIGNED-PAYLOAD',
    });
    expect(request).toBe(e.canonicalRequest);
    expect(stringToSign(e.amzDate, scope, request)).toBe(e.stringToSign);
    const key = signingKey(e.credentials.secretAccessKey, day, e.region, e.service);
    expect(signature(key, e.stringToSign)).toBe(e.signature);
  });
});

describe('signing key', () => {
  it('is derived once per (secret, date, region, service) and then reused', () => {
    const first = signingKey('secret', '20260101', 'auto', 's3');
    expect(signingKey('secret', '20260101', 'auto', 's3')).toBe(first);
    expect(signingKey('secret', '20260102', 'auto', 's3')).not.toBe(first);
    expect(signingKey('secret', '20260101', 'us-east-1', 's3')).not.toBe(first);
    expect(signingKey('other', '20260101', 'auto', 's3')).not.toBe(first);
  });
});
