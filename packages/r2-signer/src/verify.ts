import { equalInConstantTime } from './constant-time.ts';
import {
  ALGORITHM,
  canonicalQueryString,
  canonicalRequest,
  canonicalUri,
  credentialScope,
  MAX_EXPIRES_SECONDS,
  signature,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './sigv4.ts';

export type VerifyPresignedUrlOptions = {
  /** One key pair, or a lookup from access key id to secret (undefined = unknown). */
  credentials:
    | { accessKeyId: string; secretAccessKey: string }
    | ((accessKeyId: string) => string | undefined);
  /** Expected region; any region is accepted when absent. */
  region?: string;
  /** Verification time in milliseconds (`Date.now()`). */
  now?: number;
  /** How far in the future `X-Amz-Date` may be (clock skew), default 60 s. */
  skewSeconds?: number;
  /** How the URL names the bucket, default `path` (`/<bucket>/<key>`); `virtual-hosted` gives `bucket: undefined`. */
  style?: 'path' | 'virtual-hosted';
  /**
   * The request's method, default `GET`. It opens the canonical request, so a URL
   * presigned for another method gets `bad-signature`, as S3 answers SignatureDoesNotMatch.
   */
  method?: 'GET' | 'HEAD' | 'PUT';
};

export type PresignedUrlRejection =
  | 'malformed'
  | 'unsupported'
  | 'unknown-access-key'
  | 'wrong-scope'
  | 'bad-signature'
  | 'expired'
  | 'not-yet-valid';

export type PresignedUrlVerdict =
  | { ok: true; key: string; bucket: string | undefined; expiresAt: number }
  | { ok: false; reason: PresignedUrlRejection };

const SIGNED = [
  'X-Amz-Algorithm',
  'X-Amz-Credential',
  'X-Amz-Date',
  'X-Amz-Expires',
  'X-Amz-SignedHeaders',
  'X-Amz-Signature',
] as const;

/**
 * Checks a SigV4 presigned URL (GET unless `method` says otherwise) the way S3 does: the query is decoded and
 * re-encoded canonically ('+' is a literal plus, as in S3), the path is decoded and
 * each segment UriEncoded, `host` is the only signed header and the payload is
 * UNSIGNED-PAYLOAD. The signature is checked before the time window, so a time
 * reason is only ever given for an authentic URL.
 */
export function verifyPresignedUrl(
  url: string | URL,
  options: VerifyPresignedUrlOptions,
): PresignedUrlVerdict {
  let parsed: URL;
  try {
    parsed = new URL(String(url));
  } catch {
    return reject('malformed');
  }

  const params: [string, string][] = [];
  const found = new Map<string, string>();
  for (const part of parsed.search.slice(1).split('&')) {
    if (part === '') continue;
    const equals = part.indexOf('=');
    const name = decode(equals === -1 ? part : part.slice(0, equals));
    const value = decode(equals === -1 ? '' : part.slice(equals + 1));
    if (name === undefined || value === undefined) return reject('malformed');
    if ((SIGNED as readonly string[]).includes(name)) {
      if (found.has(name)) return reject('malformed');
      found.set(name, value);
    }
    if (name !== 'X-Amz-Signature') params.push([name, value]);
  }
  const [algorithm, credential, date, expires, signedHeaders, given] = SIGNED.map((name) =>
    found.get(name),
  );
  if (
    algorithm === undefined ||
    credential === undefined ||
    date === undefined ||
    expires === undefined ||
    signedHeaders === undefined ||
    given === undefined
  ) {
    return reject('malformed');
  }
  if (algorithm !== ALGORITHM || signedHeaders !== 'host') return reject('unsupported');
  const signedAt = parseAmzDate(date);
  if (
    signedAt === undefined ||
    !/^[1-9][0-9]{0,6}$/.test(expires) ||
    Number(expires) > MAX_EXPIRES_SECONDS ||
    !/^[0-9a-f]{64}$/.test(given)
  ) {
    return reject('malformed');
  }

  const scopeParts = credential.split('/');
  if (scopeParts.length !== 5) return reject('malformed');
  const [accessKeyId, day, region, service, terminal] = scopeParts as [
    string,
    string,
    string,
    string,
    string,
  ];
  if (
    day !== date.slice(0, 8) ||
    service !== 's3' ||
    terminal !== 'aws4_request' ||
    (options.region !== undefined && region !== options.region)
  ) {
    return reject('wrong-scope');
  }
  const secret = secretFor(options.credentials, accessKeyId);
  if (secret === undefined) return reject('unknown-access-key');

  const path = decode(parsed.pathname);
  if (path === undefined) return reject('malformed');
  let bucket: string | undefined;
  let key = path.slice(1);
  if ((options.style ?? 'path') === 'path') {
    const slash = key.indexOf('/');
    if (slash < 1 || slash === key.length - 1) return reject('malformed');
    bucket = key.slice(0, slash);
    key = key.slice(slash + 1);
  }
  if (key === '') return reject('malformed');

  const request = canonicalRequest({
    method: options.method ?? 'GET',
    canonicalUri: canonicalUri(path),
    canonicalQueryString: canonicalQueryString(params),
    host: parsed.host,
    payloadHash: UNSIGNED_PAYLOAD,
  });
  const expected = signature(
    signingKey(secret, day, region, service),
    stringToSign(date, credentialScope(day, region, service), request),
  );
  if (!equalInConstantTime(expected, given)) return reject('bad-signature');

  const now = options.now ?? Date.now();
  const expiresAt = signedAt / 1000 + Number(expires);
  if (now >= expiresAt * 1000) return reject('expired');
  if (signedAt > now + (options.skewSeconds ?? 60) * 1000) return reject('not-yet-valid');
  return { ok: true, key, bucket, expiresAt };
}

function reject(reason: PresignedUrlRejection): PresignedUrlVerdict {
  return { ok: false, reason };
}

function decode(text: string): string | undefined {
  try {
    return decodeURIComponent(text);
  } catch {
    return undefined;
  }
}

function secretFor(
  credentials: VerifyPresignedUrlOptions['credentials'],
  accessKeyId: string,
): string | undefined {
  if (typeof credentials === 'function') {
    const secret = credentials(accessKeyId);
    return typeof secret === 'string' && secret !== '' ? secret : undefined;
  }
  return credentials.accessKeyId === accessKeyId ? credentials.secretAccessKey : undefined;
}

/** Milliseconds for a strict `YYYYMMDDTHHMMSSZ`, or undefined. */
function parseAmzDate(text: string): number | undefined {
  const match = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  if (match === null) return undefined;
  const [, y, mo, d, h, mi, s] = match.map(Number) as number[];
  const time = Date.UTC(y!, mo! - 1, d!, h!, mi!, s!);
  const check = new Date(time);
  // Date.UTC rolls 20240231 over to March; a real S3 rejects such dates.
  if (
    check.getUTCMonth() !== mo! - 1 ||
    check.getUTCDate() !== d! ||
    h! > 23 ||
    mi! > 59 ||
    s! > 59
  ) {
    return undefined;
  }
  return time;
}
