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
import {
  ALGORITHM,
  amzDate,
  credentialScope,
  MAX_EXPIRES_SECONDS,
  signingKey,
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
};

export type Presigner = {
  /** A presigned GET URL for one object key. */
  presign(key: string, options?: PresignOptions): string;
  /** Presigned GET URLs for many keys, all with one `X-Amz-Date`. */
  presignBatch(keys: readonly string[], options?: PresignOptions): string[];
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
  | 'invalid-now';

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
  return createQuerySigner({
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
  });
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
  key: HmacKey;
  /** `\n<canonical query>\nhost:<host>\n\nhost\n<payload hash>`: what follows the key. */
  canonicalTail: Uint8Array;
  /** The HMAC inner state after the ipad block and the whole blocks of the string-to-sign prefix. */
  stringToSignState: Int32Array;
  /** The rest of the string-to-sign prefix, room for the hex hash, then the (fixed) padding. */
  stringToSignBlocks: Blocks;
  stringToSignEnd: number;
  stringToSignRest: number;
  /** When the prefix is whole blocks: the schedule of the final, all-padding block. */
  stringToSignSchedule: Int32Array | undefined;
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
/**
 * Leading blocks of the last canonical request kept with the hash state after each: keys
 * of one playlist share a long prefix (`hls/<id>/<variant>/seg_`), so the first block is
 * usually identical and is not hashed again. Two blocks cover a bucket name plus such a
 * prefix; more would cost more in copying than they save.
 */
const REUSED_BLOCKS = 2;

/**
 * SigV4 query presigning (GET unless told otherwise) over reused buffers. Per URL it hashes the
 * canonical request (prefix + key + the batch's constant tail), reusing leading blocks
 * it has already hashed, then runs the two HMAC passes from precomputed states over
 * pre-padded blocks: the whole signature costs a few block compressions and no
 * allocation but the URL string itself.
 */
export function createQuerySigner(options: QuerySignerOptions): Presigner {
  const { origin, host, pathPrefix, accessKeyId, secretAccessKey, sessionToken, region } = options;
  const { service, payloadHash } = options;
  const base = origin + pathPrefix;

  // "GET\n" + path prefix: whole blocks are absorbed once, the rest stays at the start of
  // the buffer that each key is written into.
  const requestPrefix = encoder.encode(`${options.method ?? 'GET'}\n${pathPrefix}`);
  const requestState = initialState();
  const requestAbsorbed = requestPrefix.length & ~63;
  compress(requestState, bytesAsBlocks(requestPrefix).words, 0, requestAbsorbed);
  const requestRest = requestPrefix.length - requestAbsorbed;
  let request = blocksOf(0);

  const reusedWords = new Int32Array(16 * REUSED_BLOCKS);
  const reusedStates = Array.from({ length: REUSED_BLOCKS }, () => new Int32Array(8));
  let reusedCount = 0;

  const state = new Int32Array(8);
  // The outer HMAC pass hashes opad block + the 32-byte inner digest: one block whose
  // padding (0x80, zeros, bit length 768) never changes.
  const innerDigestBlock = blocksOf(64 + 72);
  pad(innerDigestBlock.bytes, 0, 32, 64);
  let batch: Batch | undefined;

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
    const query =
      `X-Amz-Algorithm=${ALGORITHM}&X-Amz-Credential=${uriEncode(`${accessKeyId}/${scope}`)}` +
      `&X-Amz-Date=${date}&X-Amz-Expires=${expiresIn}` +
      (sessionToken === undefined ? '' : `&X-Amz-Security-Token=${uriEncode(sessionToken)}`) +
      '&X-Amz-SignedHeaders=host';
    const canonicalTail = encoder.encode(`\n${query}\nhost:${host}\n\nhost\n${payloadHash}`);
    // A key of up to 1024 UTF-16 units, each up to 3 UTF-8 bytes written as %XX.
    const needed = requestRest + 9 * MAX_KEY_BYTES + canonicalTail.length + 72;
    if (request.bytes.length < needed) {
      request = blocksOf(needed);
      request.bytes.set(requestPrefix.subarray(requestAbsorbed));
      tailAt = -1;
    }

    const prefix = encoder.encode(`${ALGORITHM}\n${date}\n${scope}\n`);
    const whole = prefix.length & ~63;
    const stringToSignState = key.inner.slice();
    compress(stringToSignState, bytesAsBlocks(prefix).words, 0, whole);
    const rest = prefix.length - whole;
    const stringToSignBlocks = blocksOf(rest + 64 + 72);
    stringToSignBlocks.bytes.set(prefix.subarray(whole));
    batch = {
      amzDate: date,
      expiresIn,
      key,
      canonicalTail,
      stringToSignState,
      stringToSignBlocks,
      stringToSignEnd: pad(stringToSignBlocks.bytes, 0, rest + 64, 64 + whole),
      stringToSignSchedule: rest === 0 ? scheduled(stringToSignBlocks.words, 64) : undefined,
      stringToSignRest: rest,
      urlQuery: `?${query}&X-Amz-Signature=`,
    };
    return batch;
  }

  // Where the batch's canonical tail and padding currently sit in `request`: keys of one
  // playlist often have the same length, and then only the key bytes change, and the
  // blocks after the key (tail and padding) are the same bytes: their schedules are kept.
  let tailBatch: Batch | undefined;
  let tailAt = -1;
  let paddedEnd = 0;
  let firstTailBlock = 0;
  let tailSchedule = new Int32Array(0);

  /** Hash(CanonicalRequest) into `state`, for the request whose key ends at `end`. */
  function hashCanonicalRequest(end: number, b: Batch): void {
    const { bytes, words } = request;
    if (end !== tailAt || b !== tailBatch) {
      bytes.set(b.canonicalTail, end);
      const length = end + b.canonicalTail.length;
      const last = length & ~63;
      paddedEnd = pad(bytes, last, length - last, requestAbsorbed + last);
      tailAt = end;
      tailBatch = b;
      firstTailBlock = (end + 63) >> 6;
      const tailBlocks = (paddedEnd >> 6) - firstTailBlock;
      if (tailSchedule.length < tailBlocks * 64) tailSchedule = new Int32Array(tailBlocks * 64);
      for (let i = 0; i < tailBlocks; i++) {
        scheduleBlock(words, (firstTailBlock + i) * 64, tailSchedule, i);
      }
    }
    // Blocks with key bytes: the leading ones may repeat those of the previous request.
    const keyBlocks = firstTailBlock;
    let block = 0;
    while (block < reusedCount && block < keyBlocks && sameBlock(words, block, reusedWords))
      block++;
    let from = block === 0 ? requestState : reusedStates[block - 1]!;
    for (; block < keyBlocks && block < REUSED_BLOCKS; block++) {
      compress(state, words, block * 64, block * 64 + 64, from);
      from = state;
      for (let i = block * 16; i < block * 16 + 16; i++) reusedWords[i] = words[i]!;
      // A loop, not TypedArray#set: a builtin call costs more than 8 word copies.
      const reused = reusedStates[block]!;
      for (let i = 0; i < 8; i++) reused[i] = state[i]!;
      reusedCount = block + 1;
    }
    if (block < keyBlocks) {
      compress(state, words, block * 64, keyBlocks * 64, from);
      from = state;
    }
    compressScheduled(state, tailSchedule, 0, (paddedEnd >> 6) - keyBlocks, from);
  }

  function sign(objectKey: string, b: Batch): string {
    if (typeof objectKey !== 'string' || objectKey.length === 0) {
      throw new PresignError('empty-key', 'the object key is empty');
    }
    const start = requestRest;
    const bytes = request.bytes;
    const end = writeCanonicalKey(objectKey, bytes, start);
    const encodedKey =
      end - start === objectKey.length
        ? objectKey
        : String.fromCharCode(...bytes.subarray(start, end));
    hashCanonicalRequest(end, b);

    // HMAC(kSigning, StringToSign): the hex hash goes straight into the pre-padded string
    // to sign, the inner pass starts after its constant prefix, the outer after opad.
    const toSign = b.stringToSignBlocks;
    if (b.stringToSignSchedule !== undefined) {
      // R2's prefix is exactly one block: the hex hash fills the next, padding is the last.
      digestHexWords(state, toSign.words, 0);
      compress(state, toSign.words, 0, 64, b.stringToSignState);
      compressScheduled(state, b.stringToSignSchedule, 0, 1);
    } else {
      digestHexBytes(state, toSign.bytes, b.stringToSignRest);
      compress(state, toSign.words, 0, b.stringToSignEnd, b.stringToSignState);
    }
    digestWords(state, innerDigestBlock.words, 0);
    compress(state, innerDigestBlock.words, 0, 64, b.key.outer);

    return base + encodedKey + b.urlQuery + digestHex(state);
  }

  return {
    presign(objectKey, presignOptions) {
      return sign(objectKey, batchFor(presignOptions));
    },
    presignBatch(objectKeys, presignOptions) {
      const b = batchFor(presignOptions);
      const urls = new Array<string>(objectKeys.length);
      for (let i = 0; i < objectKeys.length; i++) urls[i] = sign(objectKeys[i]!, b);
      return urls;
    },
  };
}

function scheduled(words: Int32Array, start: number): Int32Array {
  const schedule = new Int32Array(64);
  scheduleBlock(words, start, schedule, 0);
  return schedule;
}

function bytesAsBlocks(bytes: Uint8Array): Blocks {
  const blocks = blocksOf(bytes.length);
  blocks.bytes.set(bytes);
  return blocks;
}

function sameBlock(words: Int32Array, block: number, reused: Int32Array): boolean {
  for (let i = 0, j = block * 16; i < 16; i++, j++) if (words[j] !== reused[j]) return false;
  return true;
}

/**
 * Writes the object key UriEncoded (UTF-8, `/` kept) at `offset`; returns the end.
 * Refuses what would not reach S3 as written: `.` and `..` segments (every URL parser
 * removes them before the request is sent), lone surrogates, keys over 1024 bytes.
 */
function writeCanonicalKey(key: string, out: Uint8Array, offset: number): number {
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
