import {
  type Blocks,
  blocksOf,
  compress,
  compressScheduled,
  digestHex,
  digestHexBytes,
  digestHexWords,
  digestWords,
  type HmacKey,
  initialState,
  pad,
  scheduleBlock,
} from './sha256.ts';
import { createSha256x4 } from './sha256x4.ts';
import {
  ALGORITHM,
  amzDate,
  canonicalQueryString,
  canonicalRequest,
  credentialScope,
  MAX_EXPIRES_SECONDS,
  signature as plainSignature,
  signingKey,
  stringToSign,
  UNSIGNED_PAYLOAD,
} from './sigv4.ts';
import { uriEncode } from './uri-encode.ts';

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

/** Bad presigner config; `field` names the culprit. The message never holds a secret. */
export class PresignerConfigError extends Error {
  override readonly name = 'PresignerConfigError';
  readonly field: keyof PresignerConfig;
  // Plain fields, not parameter properties: Node's type stripping runs this file as is.
  constructor(field: keyof PresignerConfig, problem: string) {
    super(`presigner config: ${field} ${problem}`);
    this.field = field;
  }
}

export type PresignErrorReason =
  | 'empty-key'
  | 'dot-segment'
  | 'invalid-key'
  | 'key-too-long'
  | 'invalid-expires-in'
  | 'invalid-now'
  | 'invalid-query';

/** A key or option the presigner refuses to sign. */
export class PresignError extends Error {
  override readonly name = 'PresignError';
  readonly reason: PresignErrorReason;
  constructor(reason: PresignErrorReason, detail: string) {
    super(`presign: ${reason}: ${detail}`);
    this.reason = reason;
  }
}

export const DEFAULT_EXPIRES_SECONDS = 3600;
/** S3's limit on object keys, in UTF-8 bytes. */
const MAX_KEY_BYTES = 1024;

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

/** The parts of a signature that stay the same for one `X-Amz-Date` and expiry. */
type Batch = {
  amzDate: string;
  expiresIn: number;
  /** `<date>/<region>/<service>/aws4_request` */
  scope: string;
  /** The `X-Amz-*` parameters but the signature, for URLs with a query of their own. */
  params: [string, string][];
  key: HmacKey;
  /** `\n<canonical query>\nhost:<host>\n\nhost\n<payload hash>`: what follows the key. */
  canonicalTail: Uint8Array;
  /** The HMAC inner state after the ipad block and the whole blocks of the string-to-sign prefix. */
  stringToSignState: Int32Array;
  /** The rest of the string-to-sign prefix (before the hex hash), in bytes. */
  stringToSignRest: number;
  /** Where the string to sign's padded blocks end. */
  stringToSignEnd: number;
  /** `?<canonical query>&X-Amz-Signature=` */
  urlQuery: string;
};

// A byte of an object key that S3's UriEncode keeps as is: A-Z a-z 0-9 - . _ ~ and the '/'
// between segments.
const KEPT = new Uint8Array(128);
for (const char of 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~/') {
  KEPT[char.charCodeAt(0)] = 1;
}
const UPPER_HEX = new Uint8Array([48, 49, 50, 51, 52, 53, 54, 55, 56, 57, 65, 66, 67, 68, 69, 70]);
const encoder = new TextEncoder();
const decoder = new TextDecoder();
/**
 * Leading blocks of the last canonical request kept with the hash state after each: keys
 * of one playlist share a long prefix (`hls/<id>/<variant>/seg_`), so the first block is
 * usually identical and is not hashed again. Two blocks cover a bucket name plus such a
 * prefix; more would cost more in copying than they save.
 */
const REUSED_BLOCKS = 2;
/** Requests hashed side by side by the SIMD kernel. */
const LANES = 4;
/** A lane of the string to sign: < 64 bytes of prefix, the 64 hex digits, padding. */
const TO_SIGN_STRIDE = 256;

/**
 * SigV4 query presigning (GET unless told otherwise) over reused buffers. Per URL it hashes the
 * canonical request (prefix + key + the batch's constant tail), reusing leading blocks
 * it has already hashed, then runs the two HMAC passes from precomputed states over
 * pre-padded blocks: the whole signature costs a few block compressions and no
 * allocation but the URL string itself. `presignBatch` runs those compressions for four
 * keys of equal length at once (sha256x4.ts); other keys, and `presign`, run them in
 * JavaScript (sha256.ts), over the same buffers.
 */
export function createQuerySigner(options: QuerySignerOptions): Presigner {
  const { origin, host, pathPrefix, accessKeyId, secretAccessKey, sessionToken, region } = options;
  const { service, payloadHash } = options;
  const base = origin + pathPrefix;

  // "GET\n" + path prefix: whole blocks are absorbed once, the rest stays at the start of
  // each lane's request buffer, where the key is written after it.
  const requestPrefix = encoder.encode(`${options.method ?? 'GET'}\n${pathPrefix}`);
  const requestState = initialState();
  const requestAbsorbed = requestPrefix.length & ~63;
  compress(requestState, bytesAsBlocks(requestPrefix).words, 0, requestAbsorbed);
  const requestRest = requestPrefix.length - requestAbsorbed;

  const reusedWords = new Int32Array(16 * REUSED_BLOCKS);
  const reusedStates = Array.from({ length: REUSED_BLOCKS }, () => new Int32Array(8));
  let reusedCount = 0;

  const state = new Int32Array(8);
  // The outer HMAC pass hashes opad block + the 32-byte inner digest: one block whose
  // padding (0x80, zeros, bit length 768) never changes.
  const innerDigestBlock = blocksOf(64 + 72);
  pad(innerDigestBlock.bytes, 0, 32, 64);
  let batch: Batch | undefined;

  // Every buffer lives in the kernel's memory, so that both kernels read the same bytes.
  // Offsets are bytes into that memory; lane views are for the JavaScript kernel.
  const kernel = createSha256x4();
  let requestStride = 0;
  let tailCapacity = 0;
  let state4 = 0;
  let outer = 0;
  let toSign = 0;
  let toSignSchedule = 0;
  let signatures = 0;
  let tailSchedule = 0;
  let requests = 0;
  let requestLanes: Blocks[] = [];
  let toSignLane: Blocks = blocksOf(0);
  let tailScheduleWords = new Int32Array(0);
  let toSignScheduleWords = new Int32Array(0);

  function layOut(stride: number, tailBlocks: number): void {
    let at = kernel.heapBase;
    const take = (bytes: number) => {
      const offset = at;
      at += bytes;
      return offset;
    };
    state4 = take(128);
    outer = take(32);
    toSign = take(LANES * TO_SIGN_STRIDE);
    toSignSchedule = take(256);
    signatures = take(LANES * 64);
    tailSchedule = take(tailBlocks * 256);
    requests = take(LANES * stride);
    kernel.reserve(at);
    requestStride = stride;
    tailCapacity = tailBlocks;
    const { bytes, words } = kernel;
    const view = (offset: number, length: number): Blocks => ({
      bytes: bytes.subarray(offset, offset + length),
      words: words.subarray(offset >> 2, (offset + length) >> 2),
    });
    requestLanes = Array.from({ length: LANES }, (_, lane) => {
      const blocks = view(requests + lane * stride, stride);
      blocks.bytes.set(requestPrefix.subarray(requestAbsorbed));
      return blocks;
    });
    toSignLane = view(toSign, TO_SIGN_STRIDE);
    tailScheduleWords = view(tailSchedule, tailBlocks * 256).words;
    toSignScheduleWords = view(toSignSchedule, 256).words;
    tailEnds.fill(-1);
    scheduleEnd = -1;
    batch = undefined;
  }

  function batchFor(presignOptions: PresignOptions | undefined): Batch {
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
    if (batch !== undefined && batch.amzDate === date && batch.expiresIn === expiresIn)
      return batch;

    const day = date.slice(0, 8);
    const scope = credentialScope(day, region, service);
    const key = signingKey(secretAccessKey, day, region, service);
    const params: [string, string][] = [
      ['X-Amz-Algorithm', ALGORITHM],
      ['X-Amz-Credential', `${accessKeyId}/${scope}`],
      ['X-Amz-Date', date],
      ['X-Amz-Expires', String(expiresIn)],
      ...(sessionToken === undefined ? [] : [['X-Amz-Security-Token', sessionToken] as const]),
      ['X-Amz-SignedHeaders', 'host'],
    ] as [string, string][];
    const query =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${uriEncode(`${accessKeyId}/${scope}`)}` +
      `&X-Amz-Date=${date}&X-Amz-Expires=${expiresIn}` +
      (sessionToken === undefined ? '' : `&X-Amz-Security-Token=${uriEncode(sessionToken)}`) +
      '&X-Amz-SignedHeaders=host';
    const canonicalTail = encoder.encode(`\n${query}\nhost:${host}\n\nhost\n${payloadHash}`);
    // A key of up to 1024 UTF-16 units, each up to 3 UTF-8 bytes written as %XX; the
    // tail then takes at most its own blocks plus one.
    const stride = (requestRest + 9 * MAX_KEY_BYTES + canonicalTail.length + 72 + 63) & ~63;
    const tailBlocks = ((canonicalTail.length + 72) >> 6) + 1;
    if (stride > requestStride || tailBlocks > tailCapacity) layOut(stride, tailBlocks);

    // The string to sign: its constant prefix's whole blocks are absorbed here, the rest
    // of it and the padding after the hex hash are written once into every lane.
    const prefix = encoder.encode(`${ALGORITHM}\n${date}\n${scope}\n`);
    const whole = prefix.length & ~63;
    const stringToSignState = key.inner.slice();
    compress(stringToSignState, bytesAsBlocks(prefix).words, 0, whole);
    const rest = prefix.length - whole;
    let stringToSignEnd = 0;
    for (let lane = 0; lane < LANES; lane++) {
      const at = toSign + lane * TO_SIGN_STRIDE;
      kernel.bytes.set(prefix.subarray(whole), at);
      stringToSignEnd = pad(kernel.bytes, at, rest + 64, 64 + whole) - at;
    }
    // R2's prefix is exactly one block: the hex hash fills the next, padding is the last.
    if (rest === 0) scheduleBlock(toSignLane.words, 64, toSignScheduleWords, 0);
    kernel.words.set(key.outer, outer >> 2);
    batch = {
      amzDate: date,
      expiresIn,
      scope,
      params,
      key,
      canonicalTail,
      stringToSignState,
      stringToSignRest: rest,
      stringToSignEnd,
      urlQuery: `?${query}&X-Amz-Signature=`,
    };
    return batch;
  }

  // Which key end each lane's canonical tail and padding were written for: keys of one
  // playlist often have the same length, and then only the key bytes change.
  const tailEnds = new Array<number>(LANES).fill(-1);
  const tailBatches = new Array<Batch | undefined>(LANES);
  // The schedules of the blocks after the key: the same bytes in every lane.
  let scheduleEnd = -1;
  let scheduleBatch: Batch | undefined;

  /** Writes the batch's canonical tail and padding after the key that ends at `end`. */
  function placeTail(lane: number, end: number, b: Batch): void {
    if (tailEnds[lane] === end && tailBatches[lane] === b) return;
    const { bytes } = requestLanes[lane]!;
    bytes.set(b.canonicalTail, end);
    const length = end + b.canonicalTail.length;
    const last = length & ~63;
    pad(bytes, last, length - last, requestAbsorbed + last);
    tailEnds[lane] = end;
    tailBatches[lane] = b;
  }

  /** Schedules the blocks after the key's last block (from lane 0); returns their count. */
  function scheduleTail(end: number, b: Batch): number {
    const firstTailBlock = (end + 63) >> 6;
    const tailBlocks = ((end + b.canonicalTail.length + 72) >> 6) - firstTailBlock;
    if (scheduleEnd !== end || scheduleBatch !== b) {
      const { words } = requestLanes[0]!;
      for (let i = 0; i < tailBlocks; i++) {
        scheduleBlock(words, (firstTailBlock + i) * 64, tailScheduleWords, i);
      }
      scheduleEnd = end;
      scheduleBatch = b;
    }
    return tailBlocks;
  }

  /**
   * Makes the kept leading blocks those of lane 0's first `count` blocks, hashing only
   * the blocks that changed; returns the state after them.
   */
  function leadingState(count: number): Int32Array {
    const { words } = requestLanes[0]!;
    let block = 0;
    while (block < reusedCount && block < count && sameBlock(words, block, reusedWords, block))
      block++;
    for (; block < count; block++) {
      const from = block === 0 ? requestState : reusedStates[block - 1]!;
      compress(reusedStates[block]!, words, block * 64, block * 64 + 64, from);
      for (let i = block * 16; i < block * 16 + 16; i++) reusedWords[i] = words[i]!;
      reusedCount = block + 1;
    }
    return count === 0 ? requestState : reusedStates[count - 1]!;
  }

  /** Writes the key UriEncoded into a lane, after the request prefix; returns where it ends. */
  function writeKey(objectKey: string, lane: number): number {
    if (typeof objectKey !== 'string' || objectKey.length === 0) {
      throw new PresignError('empty-key', 'the object key is empty');
    }
    let end = -1;
    try {
      end = writeCanonicalKey(objectKey, requestLanes[lane]!.bytes, requestRest);
    } finally {
      // A key of another length (or one refused half-written) overwrote the tail.
      if (end !== tailEnds[lane]) tailEnds[lane] = -1;
    }
    return end;
  }

  /** The key as it appears in the URL: the bytes written, as a string only when they differ. */
  function encodedKey(objectKey: string, lane: number, end: number): string {
    return end - requestRest === objectKey.length
      ? objectKey
      : String.fromCharCode(...requestLanes[lane]!.bytes.subarray(requestRest, end));
  }

  /** The signature of the request in lane 0 (its key ends at `end`), in JavaScript. */
  function signature(end: number, b: Batch): string {
    const { words } = requestLanes[0]!;
    placeTail(0, end, b);
    const tailBlocks = scheduleTail(end, b);
    // Hash(CanonicalRequest): kept leading blocks, the key's other blocks, the tail.
    const keyBlocks = (end + 63) >> 6;
    const kept = Math.min(keyBlocks, REUSED_BLOCKS);
    let from = leadingState(kept);
    if (kept < keyBlocks) {
      compress(state, words, kept * 64, keyBlocks * 64, from);
      from = state;
    }
    compressScheduled(state, tailScheduleWords, 0, tailBlocks, from);

    // HMAC(kSigning, StringToSign): the hex hash goes straight into the pre-padded string
    // to sign, the inner pass starts after its constant prefix, the outer after opad.
    if (b.stringToSignRest === 0) {
      digestHexWords(state, toSignLane.words, 0);
      compress(state, toSignLane.words, 0, 64, b.stringToSignState);
      compressScheduled(state, toSignScheduleWords, 0, 1);
    } else {
      digestHexBytes(state, toSignLane.bytes, b.stringToSignRest);
      compress(state, toSignLane.words, 0, b.stringToSignEnd, b.stringToSignState);
    }
    digestWords(state, innerDigestBlock.words, 0);
    compress(state, innerDigestBlock.words, 0, 64, b.key.outer);
    return digestHex(state);
  }

  /** Sets every lane of state4 to `from`. */
  function fillState4(from: Int32Array): void {
    const words = kernel.words;
    for (let j = 0, at = state4 >> 2; j < 8; j++, at += 4) {
      const word = from[j]!;
      words[at] = word;
      words[at + 1] = word;
      words[at + 2] = word;
      words[at + 3] = word;
    }
  }

  /**
   * The signatures of the four requests in the lanes, whose keys all end at `end`, as
   * 256 hex digits (lane l's at 64 l): the same steps as `signature`, four at a time.
   */
  function signatures4(end: number, b: Batch): string {
    for (let lane = 0; lane < LANES; lane++) placeTail(lane, end, b);
    const tailBlocks = scheduleTail(end, b);
    const keyBlocks = (end + 63) >> 6;
    // Leading blocks all four share (a playlist's keys share a long prefix) come from
    // the kept ones, hashed once.
    let shared = 0;
    while (shared < Math.min(keyBlocks, REUSED_BLOCKS) && sameInAllLanes(shared)) shared++;
    fillState4(leadingState(shared));
    kernel.blocks4(state4, requests + shared * 64, requestStride, keyBlocks - shared);
    kernel.scheduled4(state4, tailSchedule, tailBlocks);

    kernel.hex4(state4, toSign + b.stringToSignRest, TO_SIGN_STRIDE);
    fillState4(b.stringToSignState);
    if (b.stringToSignRest === 0) {
      kernel.blocks4(state4, toSign, TO_SIGN_STRIDE, 1);
      kernel.scheduled4(state4, toSignSchedule, 1);
    } else {
      kernel.blocks4(state4, toSign, TO_SIGN_STRIDE, b.stringToSignEnd >> 6);
    }
    kernel.hmacOuter4(state4, outer);
    kernel.hex4(state4, signatures, 64);
    return decoder.decode(kernel.bytes.subarray(signatures, signatures + LANES * 64));
  }

  function sameInAllLanes(block: number): boolean {
    const first = requestLanes[0]!.words;
    for (let lane = 1; lane < LANES; lane++) {
      if (!sameBlock(requestLanes[lane]!.words, block, first, block)) return false;
    }
    return true;
  }

  /** Copies the key in `lane` (ending at `end`) to lane 0. */
  function toLane0(lane: number, end: number): void {
    const from = requests + lane * requestStride;
    kernel.bytes.copyWithin(requests + requestRest, from + requestRest, from + end);
    if (end !== tailEnds[0]) tailEnds[0] = -1;
  }

  // A URL with a query of its own: the canonical query differs per URL, so it is signed on
  // the plain, string-based path, with the key checked and encoded as on the fast one.
  let scratch: Uint8Array | undefined;
  function signWithQuery(objectKey: string, extra: [string, string][], b: Batch): string {
    if (typeof objectKey !== 'string' || objectKey.length === 0) {
      throw new PresignError('empty-key', 'the object key is empty');
    }
    scratch ??= new Uint8Array(9 * MAX_KEY_BYTES);
    const end = writeCanonicalKey(objectKey, scratch, 0);
    const path = end === objectKey.length ? objectKey : decoder.decode(scratch.subarray(0, end));
    let query: string;
    try {
      query = canonicalQueryString([...b.params, ...extra]);
    } catch {
      throw new PresignError('invalid-query', 'a query value has a lone UTF-16 surrogate');
    }
    const request = canonicalRequest({
      method: options.method ?? 'GET',
      canonicalUri: pathPrefix + path,
      canonicalQueryString: query,
      host,
      payloadHash,
    });
    const signed = plainSignature(b.key, stringToSign(b.amzDate, b.scope, request));
    return `${base}${path}?${query}&X-Amz-Signature=${signed}`;
  }

  return {
    presign(objectKey, presignOptions) {
      const b = batchFor(presignOptions);
      const shared = queryOf(presignOptions?.query, undefined);
      if (shared.length > 0) return signWithQuery(objectKey, shared, b);
      const end = writeKey(objectKey, 0);
      return base + encodedKey(objectKey, 0, end) + b.urlQuery + signature(end, b);
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

  function signKeys(objectKeys: readonly string[], b: Batch): string[] {
    const urls = new Array<string>(objectKeys.length);
    // Keys wait in the lanes until four of one length are there; a key of another
    // length sends those waiting through the JavaScript kernel, one by one.
    const waiting: number[] = [];
    const encoded: string[] = [];
    let waitingEnd = -1;
    const signWaitingOneByOne = () => {
      for (let lane = 0; lane < waiting.length; lane++) {
        if (lane > 0) toLane0(lane, waitingEnd);
        urls[waiting[lane]!] = base + encoded[lane] + b.urlQuery + signature(waitingEnd, b);
      }
      waiting.length = 0;
      encoded.length = 0;
    };
    for (let i = 0; i < objectKeys.length; i++) {
      const objectKey = objectKeys[i]!;
      let lane = waiting.length;
      const end = writeKey(objectKey, lane);
      if (lane > 0 && end !== waitingEnd) {
        signWaitingOneByOne();
        toLane0(lane, end);
        lane = 0;
      }
      waiting.push(i);
      encoded.push(encodedKey(objectKey, lane, end));
      waitingEnd = end;
      if (waiting.length === LANES) {
        const hex = signatures4(end, b);
        for (let l = 0; l < LANES; l++) {
          urls[waiting[l]!] = base + encoded[l] + b.urlQuery + hex.slice(l * 64, l * 64 + 64);
        }
        waiting.length = 0;
        encoded.length = 0;
      }
    }
    signWaitingOneByOne();
    return urls;
  }
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

function bytesAsBlocks(bytes: Uint8Array): Blocks {
  const blocks = blocksOf(bytes.length);
  blocks.bytes.set(bytes);
  return blocks;
}

/** Whether block `block` of `words` and of `other` hold the same bytes. */
function sameBlock(
  words: Int32Array,
  block: number,
  other: Int32Array,
  otherBlock: number,
): boolean {
  for (let i = block * 16, j = otherBlock * 16, end = i + 16; i < end; i++, j++) {
    if (words[i] !== other[j]) return false;
  }
  return true;
}

/**
 * Writes the object key UriEncoded (UTF-8, `/` kept) at `offset`; returns the end.
 * Refuses what would not reach S3 as written: `.` and `..` segments (every URL parser
 * removes them before the request is sent), lone surrogates, keys over 1024 bytes.
 */
export function writeCanonicalKey(key: string, out: Uint8Array, offset: number): number {
  const length = key.length;
  // UTF-16 units never outnumber UTF-8 bytes: longer keys are too long without a look.
  if (length > MAX_KEY_BYTES) throw keyTooLong(key);
  let pos = offset;
  let extraBytes = 0;
  let segmentStart = 0;
  for (let i = 0; i < length; i++) {
    const c = key.charCodeAt(i);
    if (c < 128) {
      if (KEPT[c] === 1) {
        out[pos++] = c;
        if (c === 47) {
          if (isDotSegment(key, segmentStart, i)) throw dotSegment(key);
          segmentStart = i + 1;
        }
      } else pos = percent(out, pos, c);
    } else if (c < 0x800) {
      extraBytes += 1;
      pos = percent(out, pos, 0xc0 | (c >> 6));
      pos = percent(out, pos, 0x80 | (c & 63));
    } else if (c >= 0xd800 && c <= 0xdfff) {
      const low = key.charCodeAt(i + 1);
      if (c > 0xdbff || !(low >= 0xdc00 && low <= 0xdfff)) {
        throw new PresignError('invalid-key', `key ${describe(key)} has a lone UTF-16 surrogate`);
      }
      i++;
      const codePoint = 0x10000 + ((c - 0xd800) << 10) + (low - 0xdc00);
      extraBytes += 2;
      pos = percent(out, pos, 0xf0 | (codePoint >> 18));
      pos = percent(out, pos, 0x80 | ((codePoint >> 12) & 63));
      pos = percent(out, pos, 0x80 | ((codePoint >> 6) & 63));
      pos = percent(out, pos, 0x80 | (codePoint & 63));
    } else {
      extraBytes += 2;
      pos = percent(out, pos, 0xe0 | (c >> 12));
      pos = percent(out, pos, 0x80 | ((c >> 6) & 63));
      pos = percent(out, pos, 0x80 | (c & 63));
    }
  }
  if (isDotSegment(key, segmentStart, length)) throw dotSegment(key);
  if (length + extraBytes > MAX_KEY_BYTES) throw keyTooLong(key);
  return pos;
}

function isDotSegment(key: string, start: number, end: number): boolean {
  const length = end - start;
  return (
    (length === 1 && key.charCodeAt(start) === 46) ||
    (length === 2 && key.charCodeAt(start) === 46 && key.charCodeAt(start + 1) === 46)
  );
}

function dotSegment(key: string): PresignError {
  return new PresignError(
    'dot-segment',
    `key ${describe(key)} has a "." or ".." segment, which URL parsers remove`,
  );
}

function keyTooLong(key: string): PresignError {
  return new PresignError('key-too-long', `key ${describe(key)} is over ${MAX_KEY_BYTES} bytes`);
}

function percent(out: Uint8Array, pos: number, byte: number): number {
  out[pos] = 37;
  out[pos + 1] = UPPER_HEX[byte >> 4]!;
  out[pos + 2] = UPPER_HEX[byte & 15]!;
  return pos + 3;
}

function describe(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}
