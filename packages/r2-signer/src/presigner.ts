import { LANES } from './lane-layout.ts';
import { MAX_ENCODED_KEY_BYTES, writeObjectKey } from './object-key.ts';
import { PresignError, PresignerConfigError } from './presign-error.ts';
import { RequestLanes } from './request-lanes.ts';
import { javaScriptLane, simdLanes } from './sha256-lanes.ts';
import { createSha256x4 } from './sha256x4.ts';
import { signLanes } from './sign-lanes.ts';
import { type SigningBatch, signingBatch } from './signing-batch.ts';
import {
  amzDate,
  canonicalQueryString,
  canonicalRequest,
  MAX_EXPIRES_SECONDS,
  signature as plainSignature,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './sigv4.ts';

export { PresignError, type PresignErrorReason, PresignerConfigError } from './presign-error.ts';

export type PresignerConfig = {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
  /** `https://<account>.r2.cloudflarestorage.com`, `http://localhost:8789`, any S3 endpoint. */
  endpoint: string;
  bucket: string;
  /** `auto` for R2. */
  region: string;
  /** Default `path`: `<endpoint>/<bucket>/<key>`; `virtual-hosted`: `<bucket>.<endpoint host>/<key>`. */
  style?: 'path' | 'virtual-hosted';
  /**
   * The method the URLs are for, default `GET`. One presigner signs one method: the
   * method opens the canonical request, which the signer hashes once up front.
   */
  method?: 'GET' | 'HEAD' | 'PUT';
};

export type PresignOptions = {
  /** Seconds the URL stays valid: 1 s to 7 days, default 3600. */
  expiresIn?: number;
  /** Signing time in milliseconds (`Date.now()`). */
  now?: number;
  /**
   * Query parameters signed into the URL beside the `X-Amz-*` ones: S3's GetObject
   * overrides (`response-content-disposition`, `response-content-type`, …), UploadPart's
   * `partNumber` and `uploadId`. Names must not start with `X-Amz-`. In a batch they go
   * on every URL, under each target's own.
   */
  query?: Readonly<Record<string, string>>;
};

/** One URL of a batch: a key, and query parameters signed for this URL only. */
export type PresignTarget = { key: string; query?: Readonly<Record<string, string>> };

export type Presigner = {
  /** A presigned GET URL for one object key. */
  presign(key: string, options?: PresignOptions): string;
  /**
   * Presigned GET URLs for many keys, all with one `X-Amz-Date`. A target with a query
   * of its own is signed on the plain path (sigv4.ts): a few microseconds more.
   */
  presignBatch(keys: readonly (string | PresignTarget)[], options?: PresignOptions): string[];
};

export const DEFAULT_EXPIRES_SECONDS = 3600;

export function createPresigner(config: PresignerConfig): Presigner {
  return createQuerySigner(querySignerOptions(config));
}

/** The checked config as a query signer's options; throws PresignerConfigError. */
export function querySignerOptions(config: PresignerConfig): QuerySignerOptions {
  if (typeof config !== 'object' || config === null) {
    throw new PresignerConfigError('endpoint', 'is missing (config is not an object)');
  }
  const { accessKeyId, secretAccessKey, sessionToken, bucket, region } = config;
  const style = config.style ?? 'path';
  if (typeof accessKeyId !== 'string' || !/^[\x21-\x2e\x30-\x7e]{1,128}$/.test(accessKeyId)) {
    throw new PresignerConfigError(
      'accessKeyId',
      'must be 1-128 printable ASCII characters, no "/"',
    );
  }
  if (typeof secretAccessKey !== 'string' || secretAccessKey.length === 0) {
    throw new PresignerConfigError('secretAccessKey', 'must be a non-empty string');
  }
  if (sessionToken !== undefined && (typeof sessionToken !== 'string' || sessionToken === '')) {
    throw new PresignerConfigError('sessionToken', 'must be a non-empty string when given');
  }
  if (typeof bucket !== 'string' || !/^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(bucket)) {
    throw new PresignerConfigError(
      'bucket',
      'must be an S3 bucket name (3-63 of a-z 0-9 . -, starting and ending alphanumeric)',
    );
  }
  if (typeof region !== 'string' || !/^[a-z0-9-]{1,64}$/.test(region)) {
    throw new PresignerConfigError('region', "must be a region name such as 'auto' or 'us-east-1'");
  }
  if (style !== 'path' && style !== 'virtual-hosted') {
    throw new PresignerConfigError('style', "must be 'path' or 'virtual-hosted'");
  }
  const method = config.method ?? 'GET';
  if (method !== 'GET' && method !== 'HEAD' && method !== 'PUT') {
    throw new PresignerConfigError('method', "must be 'GET', 'HEAD' or 'PUT'");
  }
  const endpoint = parseEndpoint(config.endpoint);
  const host = style === 'path' ? endpoint.host : `${bucket}.${endpoint.host}`;
  return {
    origin: `${endpoint.protocol}//${host}`,
    host,
    pathPrefix: style === 'path' ? `/${bucket}/` : '/',
    method,
    accessKeyId,
    secretAccessKey,
    sessionToken,
    region,
    service: 's3',
    payloadHash: UNSIGNED_PAYLOAD,
  };
}

function parseEndpoint(endpoint: unknown): URL {
  let url: URL;
  try {
    url = new URL(String(endpoint));
  } catch {
    throw new PresignerConfigError('endpoint', 'must be an absolute http(s) URL');
  }
  if (typeof endpoint !== 'string' || (url.protocol !== 'https:' && url.protocol !== 'http:')) {
    throw new PresignerConfigError('endpoint', 'must be an absolute http(s) URL');
  }
  if (
    url.pathname !== '/' ||
    url.search !== '' ||
    url.hash !== '' ||
    url.username ||
    url.password
  ) {
    throw new PresignerConfigError(
      'endpoint',
      'must be an origin only (no path, query, fragment or credentials)',
    );
  }
  return url;
}

/** Everything a query signer needs; `service` and `payloadHash` are fixed for S3. */
export type QuerySignerOptions = {
  origin: string;
  host: string;
  /** The encoded path before the key: `/<bucket>/` or `/`. */
  pathPrefix: string;
  /** Default `GET`. */
  method?: string;
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken: string | undefined;
  region: string;
  service: string;
  payloadHash: string;
};

/**
 * SigV4 query presigning (GET unless told otherwise) over reused buffers. Per URL it
 * UriEncodes the key into a lane between the batch's constant prefix and tail, and signs
 * it with `signLanes`: a few block compressions and no allocation but the URL string.
 * `presignBatch` signs keys of equal length four at a time in WebAssembly SIMD; other
 * keys, and `presign`, go through the same routine one at a time in JavaScript.
 */
export function createQuerySigner(options: QuerySignerOptions): Presigner {
  const { host, pathPrefix, payloadHash } = options;
  const method = options.method ?? 'GET';
  const base = options.origin + pathPrefix;
  // Both kernels work in the SIMD module's memory, where the requests are laid out.
  const kernel = createSha256x4();
  const fourLanes = simdLanes(kernel);
  const oneLane = javaScriptLane(kernel);
  const requests = new RequestLanes(kernel, fourLanes.heapBase, `${method}\n${pathPrefix}`);
  let batch: SigningBatch | undefined;

  /** The batch for these options: the last one while date and expiry stay the same. */
  function batchFor(presignOptions: PresignOptions | undefined): SigningBatch {
    const expiresIn = presignOptions?.expiresIn ?? DEFAULT_EXPIRES_SECONDS;
    const now = presignOptions?.now ?? Date.now();
    if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS) {
      throw new PresignError(
        'invalid-expires-in',
        `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (7 days), got ${expiresIn}`,
      );
    }
    if (typeof now !== 'number' || !(now >= 0 && now < 253402300800000)) {
      throw new PresignError('invalid-now', `now must be milliseconds since 1970, got ${now}`);
    }
    const date = amzDate(now);
    if (batch === undefined || batch.amzDate !== date || batch.expiresIn !== expiresIn) {
      batch = signingBatch(options, date, expiresIn);
      requests.load(batch);
    }
    return batch;
  }

  function url(encodedKey: string, b: SigningBatch, signature: string): string {
    return base + encodedKey + b.urlQuery + signature;
  }

  // A URL with a query of its own: the canonical query differs per URL, so it is signed on
  // the plain, string-based path, with the key checked and encoded as on the fast one.
  let scratch: Uint8Array | undefined;
  const decoder = new TextDecoder();
  function signWithQuery(objectKey: string, extra: [string, string][], b: SigningBatch): string {
    scratch ??= new Uint8Array(MAX_ENCODED_KEY_BYTES);
    const end = writeObjectKey(objectKey, scratch, 0);
    const path = end === objectKey.length ? objectKey : decoder.decode(scratch.subarray(0, end));
    let query: string;
    try {
      query = canonicalQueryString([...b.params, ...extra]);
    } catch {
      throw new PresignError('invalid-query', 'a query value has a lone UTF-16 surrogate');
    }
    const request = canonicalRequest({
      method,
      canonicalUri: pathPrefix + path,
      canonicalQueryString: query,
      host,
      payloadHash,
    });
    const signed = plainSignature(b.key, stringToSign(b.amzDate, b.scope, request));
    return `${base}${path}?${query}&X-Amz-Signature=${signed}`;
  }

  /**
   * Keys wait in the lanes until four of one length are there; a key of another length
   * sends those waiting through the one-lane kernel, one by one.
   */
  function signKeys(objectKeys: readonly string[], b: SigningBatch): string[] {
    const urls = new Array<string>(objectKeys.length);
    const waiting: number[] = [];
    const encoded: string[] = [];
    let waitingEnd = -1;
    const signWaitingOneByOne = () => {
      for (let lane = 0; lane < waiting.length; lane++) {
        if (lane > 0) requests.moveToLane0(lane, waitingEnd);
        urls[waiting[lane]!] = url(encoded[lane]!, b, signLanes(oneLane, requests, b, waitingEnd));
      }
      waiting.length = 0;
      encoded.length = 0;
    };
    for (let i = 0; i < objectKeys.length; i++) {
      const objectKey = objectKeys[i]!;
      let lane = waiting.length;
      const end = requests.writeKey(objectKey, lane);
      if (lane > 0 && end !== waitingEnd) {
        signWaitingOneByOne();
        requests.moveToLane0(lane, end);
        lane = 0;
      }
      waiting.push(i);
      encoded.push(requests.encodedKey(objectKey, lane, end));
      waitingEnd = end;
      if (waiting.length === LANES) {
        const hex = signLanes(fourLanes, requests, b, end);
        for (let l = 0; l < LANES; l++) {
          urls[waiting[l]!] = url(encoded[l]!, b, hex.slice(l * 64, l * 64 + 64));
        }
        waiting.length = 0;
        encoded.length = 0;
      }
    }
    signWaitingOneByOne();
    return urls;
  }

  return {
    presign(objectKey, presignOptions) {
      const b = batchFor(presignOptions);
      const shared = queryOf(presignOptions?.query, undefined);
      if (shared.length > 0) return signWithQuery(objectKey, shared, b);
      const end = requests.writeKey(objectKey, 0);
      return url(requests.encodedKey(objectKey, 0, end), b, signLanes(oneLane, requests, b, end));
    },
    presignBatch(targets, presignOptions) {
      const b = batchFor(presignOptions);
      const shared = presignOptions?.query;
      if (shared === undefined && targets.every((target) => typeof target === 'string')) {
        return signKeys(targets as readonly string[], b);
      }
      const urls = new Array<string>(targets.length);
      // Targets with a query are signed apart and leave the lanes alone; the others
      // are the keys below.
      const objectKeys: string[] = [];
      const at: number[] = [];
      for (let i = 0; i < targets.length; i++) {
        const target = targets[i]!;
        const isTarget = typeof target === 'object' && target !== null;
        const key = isTarget ? target.key : (target as string);
        const extra = queryOf(shared, isTarget ? target.query : undefined);
        if (extra.length > 0) {
          urls[i] = signWithQuery(key, extra, b);
        } else {
          objectKeys.push(key);
          at.push(i);
        }
      }
      const fast = signKeys(objectKeys, b);
      for (let j = 0; j < at.length; j++) urls[at[j]!] = fast[j]!;
      return urls;
    },
  };
}

/**
 * The extra parameters of one URL: the batch's, then the target's (which win on a
 * shared name). `X-Amz-*` names are refused: they would forge the signature's own.
 */
function queryOf(
  shared: Readonly<Record<string, string>> | undefined,
  own: Readonly<Record<string, string>> | undefined,
): [string, string][] {
  if (shared === undefined && own === undefined) return [];
  const merged = new Map<string, string>();
  for (const source of [shared, own]) {
    if (source === undefined) continue;
    if (typeof source !== 'object' || source === null) {
      throw new PresignError('invalid-query', 'query must be an object of names to strings');
    }
    for (const [name, value] of Object.entries(source)) {
      if (name === '' || /^x-amz-/i.test(name) || typeof value !== 'string') {
        throw new PresignError(
          'invalid-query',
          `query parameter ${JSON.stringify(name.slice(0, 40))} must be a non-X-Amz- name with a string value`,
        );
      }
      merged.set(name, value);
    }
  }
  return [...merged];
}
