/**
 * What every URL of one batch shares, built once per `X-Amz-Date` and expiry: the
 * signing key (derived once a day, sigv4.ts), the `X-Amz-*` query, the canonical
 * request's tail after the key, and the HMAC's inner state after the string to sign's
 * constant prefix. A SigV4 signature then costs only the blocks that hold the key.
 */
import type { QuerySignerOptions } from './presigner.ts';
import { blocksOf, compress, type HmacKey } from './sha256.ts';
import { ALGORITHM, credentialScope, signingKey } from './sigv4.ts';
import { uriEncode } from './uri-encode.ts';

export type SigningBatch = {
  readonly amzDate: string;
  readonly expiresIn: number;
  /** `<date>/<region>/<service>/aws4_request` */
  readonly scope: string;
  /** The `X-Amz-*` parameters but the signature, for URLs with a query of their own. */
  readonly params: readonly (readonly [string, string])[];
  readonly key: HmacKey;
  /** `\n<canonical query>\nhost:<host>\n\nhost\n<payload hash>`: what follows the key. */
  readonly canonicalTail: Uint8Array;
  /** The HMAC inner state after the ipad block and the string-to-sign prefix's whole blocks. */
  readonly stringToSignState: Int32Array;
  /** Bytes that state has absorbed: the ipad block and the prefix's whole blocks. */
  readonly stringToSignAbsorbed: number;
  /** The rest of the string-to-sign prefix, before the hex hash (empty for R2). */
  readonly stringToSignRest: Uint8Array;
  /** The string to sign's end with its padding, counted from the rest's start. */
  readonly stringToSignEnd: number;
  /** `?<canonical query>&X-Amz-Signature=` */
  readonly urlQuery: string;
};

const encoder = new TextEncoder();

export function signingBatch(
  signer: QuerySignerOptions,
  amzDate: string,
  expiresIn: number,
): SigningBatch {
  const { accessKeyId, sessionToken, region, service } = signer;
  const day = amzDate.slice(0, 8);
  const scope = credentialScope(day, region, service);
  const key = signingKey(signer.secretAccessKey, day, region, service);
  const params: [string, string][] = [
    ['X-Amz-Algorithm', ALGORITHM],
    ['X-Amz-Credential', `${accessKeyId}/${scope}`],
    ['X-Amz-Date', amzDate],
    ['X-Amz-Expires', String(expiresIn)],
    ...(sessionToken === undefined ? [] : [['X-Amz-Security-Token', sessionToken] as const]),
    ['X-Amz-SignedHeaders', 'host'],
  ] as [string, string][];
  // Already in canonical order: every value UriEncoded, names sorted.
  const query = params.map(([name, value]) => `${name}=${uriEncode(value)}`).join('&');

  // The string to sign's constant prefix: its whole blocks are absorbed here (for R2,
  // `AWS4-HMAC-SHA256\n<date>\n<date>/auto/s3/aws4_request\n` is exactly one block).
  const prefix = encoder.encode(`${ALGORITHM}\n${amzDate}\n${scope}\n`);
  const whole = prefix.length & ~63;
  const prefixBlocks = blocksOf(whole);
  prefixBlocks.bytes.set(prefix.subarray(0, whole));
  const stringToSignState = key.inner.slice();
  compress(stringToSignState, prefixBlocks.words, 0, whole);
  const rest = prefix.length - whole;
  return {
    amzDate,
    expiresIn,
    scope,
    params,
    key,
    canonicalTail: encoder.encode(`\n${query}\nhost:${signer.host}\n\nhost\n${signer.payloadHash}`),
    stringToSignState,
    stringToSignAbsorbed: 64 + whole,
    stringToSignRest: prefix.subarray(whole),
    // The rest, 64 hex digits, then SHA-256 padding (0x80, zeros, 8-byte length).
    stringToSignEnd: (rest + 64 + 72) & ~63,
    urlQuery: `?${query}&X-Amz-Signature=`,
  };
}
