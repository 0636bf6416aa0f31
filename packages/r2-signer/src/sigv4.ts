/**
 * AWS Signature Version 4, the steps named as the spec names them
 * (https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html).
 * This is the plain, string-based path: the verifier and the tests use it; the
 * presigner does the same steps over reused buffers (presigner.ts).
 */
import { digestHex, type HmacKey, hmac, hmacInto, hmacKey, sha256Hex } from './sha256.ts';
import { uriEncode, uriEncodePath } from './uri-encode.ts';

export const ALGORITHM = 'AWS4-HMAC-SHA256';
export const UNSIGNED_PAYLOAD = 'UNSIGNED-PAYLOAD';
/** S3 allows presigned URLs to live at most 7 days. */
export const MAX_EXPIRES_SECONDS = 604_800;

const encoder = new TextEncoder();

/** `YYYYMMDDTHHMMSSZ` for a time in milliseconds. */
export function amzDate(now: number): string {
  return new Date(now).toISOString().replace(/[:-]|\.\d{3}/g, '');
}

export function credentialScope(date: string, region: string, service: string): string {
  return `${date}/${region}/${service}/aws4_request`;
}

/** S3's canonical URI: each segment of the object path UriEncoded once, `/` kept, no normalisation. */
export function canonicalUri(path: string): string {
  return uriEncodePath(path);
}

/** Names and values UriEncoded, then sorted by name, then by value. */
export function canonicalQueryString(params: Iterable<readonly [string, string]>): string {
  return [...params]
    .map(([name, value]) => [uriEncode(name), uriEncode(value)] as const)
    .sort(([n1, v1], [n2, v2]) => (n1 < n2 ? -1 : n1 > n2 ? 1 : v1 < v2 ? -1 : v1 > v2 ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join('&');
}

export function canonicalRequest(parts: {
  method: string;
  canonicalUri: string;
  canonicalQueryString: string;
  host: string;
  payloadHash: string;
}): string {
  return [
    parts.method,
    parts.canonicalUri,
    parts.canonicalQueryString,
    `host:${parts.host}\n`,
    'host',
    parts.payloadHash,
  ].join('\n');
}

export function stringToSign(date: string, scope: string, canonicalRequest: string): string {
  return `${ALGORITHM}\n${date}\n${scope}\n${sha256Hex(encoder.encode(canonicalRequest))}`;
}

const signingKeys = new Map<string, HmacKey>();
const MAX_SIGNING_KEYS = 64;

/**
 * kSigning = HMAC(HMAC(HMAC(HMAC("AWS4" + secret, date), region), service), "aws4_request"),
 * memoised per (secret, date, region, service) in isolate memory only, bounded so that
 * a stream of made-up dates (the verifier reads them from URLs) cannot grow it.
 */
export function signingKey(secret: string, date: string, region: string, service: string): HmacKey {
  const id = JSON.stringify([secret, date, region, service]);
  let key = signingKeys.get(id);
  if (key === undefined) {
    const kDate = hmac(hmacKey(encoder.encode(`AWS4${secret}`)), encoder.encode(date));
    const kRegion = hmac(hmacKey(kDate), encoder.encode(region));
    const kService = hmac(hmacKey(kRegion), encoder.encode(service));
    key = hmacKey(hmac(hmacKey(kService), encoder.encode('aws4_request')));
    if (signingKeys.size >= MAX_SIGNING_KEYS) signingKeys.delete(signingKeys.keys().next().value!);
    signingKeys.set(id, key);
  }
  return key;
}

/** Lower-case hex HMAC of the string to sign under the signing key. */
export function signature(key: HmacKey, stringToSign: string): string {
  const state = new Int32Array(8);
  hmacInto(key, encoder.encode(stringToSign), state);
  return digestHex(state);
}
