import { answerFor, contentRange, rangeNotSatisfiable, rangeSpecOf } from './answer.ts';
import { BindingUnavailable } from './bounded-bindings.ts';
import { isFallbackType, servedContentType } from './content-type.ts';
import { jsonError } from './json-error.ts';
import { type ByteRange, type RangeSpec, resolveRange } from './range.ts';

export type ServeObjectOptions = {
  /** Wins over the object's stored Cache-Control. */
  cacheControl?: string;
  /** Extra headers for 200/206/304 answers (never for errors); cannot override the validators or lengths. */
  headers?: HeadersInit;
};

// RFC 9110 §7.6.1: connection-specific fields never leave a worker (workerd owns the connection).
const HOP_BY_HOP = [
  'Connection',
  'Keep-Alive',
  'Proxy-Connection',
  'Proxy-Authenticate',
  'Proxy-Authorization',
  'TE',
  'Trailer',
  'Transfer-Encoding',
  'Upgrade',
];

/**
 * GET or HEAD of one R2 object, with validators, conditional requests and single
 * byte ranges. The body is R2's own stream, handed to the Response unread.
 *
 * R2 operations: a GET without validators is one `get` (of just the range, if any).
 * A request with a validator, and a HEAD, ask `head` first: a 304 or 416 ends
 * there; otherwise one `get` of exactly the promised bytes, conditional on the same
 * ETag so that headers and body always agree.
 */
export async function serveObject(
  request: Request,
  bucket: R2Bucket,
  key: string,
  options: ServeObjectOptions = {},
): Promise<Response> {
  const method = request.method;
  if (method !== 'GET' && method !== 'HEAD') {
    return jsonError(405, 'method-not-allowed', { Allow: 'GET, HEAD' });
  }
  const headers = request.headers;
  const spec = rangeSpecOf(request);
  const conditional =
    headers.has('If-None-Match') ||
    headers.has('If-Modified-Since') ||
    (spec !== undefined && headers.has('If-Range'));

  if (method === 'GET' && !conditional) {
    const direct = await getDirectly(bucket, key, spec, options);
    if (direct !== undefined) return direct;
  }

  // One re-read if the object is replaced between `head` and `get`.
  for (let attempt = 0; attempt < 2; attempt++) {
    const current = await bucket.head(key);
    if (current === null) return notFound();
    const answer = answerFor(request, current, current.size, spec);
    if (answer.status === 304) {
      return new Response(null, { status: 304, headers: validatorHeaders(current, options) });
    }
    if (answer.status === 416) return rangeNotSatisfiable(current.size);
    if (method === 'HEAD') return bodyResponse(current, null, undefined, options);

    const range = answer.status === 206 ? answer.range : undefined;
    const object = await bucket.get(key, {
      onlyIf: { etagMatches: current.etag },
      ...(range !== undefined && { range }),
    });
    if (object === null) return notFound();
    if ('body' in object) return bodyResponse(object, object.body, range, options);
  }
  return jsonError(503, 'object-changing', { 'Retry-After': '1' });
}

/**
 * The one-operation path: `get` the whole object, or the range as R2 can express it
 * without knowing the size. `undefined` sends the request down the `head` path: for
 * a range R2 refuses (it throws InvalidRange, 10039, past the end; the `head` path
 * then answers 416 with the size) or one it resolved differently from RFC 9110.
 */
async function getDirectly(
  bucket: R2Bucket,
  key: string,
  spec: RangeSpec | undefined,
  options: ServeObjectOptions,
): Promise<Response | undefined> {
  if (spec === undefined) {
    const object = await bucket.get(key);
    return object === null ? notFound() : bodyResponse(object, object.body, undefined, options);
  }
  const asked = r2RangeFor(spec);
  if (asked === undefined) return undefined;
  let object: R2ObjectBody | null;
  try {
    object = await bucket.get(key, { range: asked });
  } catch (error) {
    // A bounded binding that timed out: the one wait is spent, no second read.
    if (error instanceof BindingUnavailable && error.kind === 'timeout') throw error;
    return undefined;
  }
  if (object === null) return notFound();
  const range = resolveRange(spec, object.size);
  const served = object.range === undefined ? undefined : normalise(object.range, object.size);
  if (
    typeof range === 'object' &&
    served?.offset === range.offset &&
    served.length === range.length
  ) {
    return bodyResponse(object, object.body, range, options);
  }
  await object.body.cancel();
  return undefined;
}

function r2RangeFor(spec: RangeSpec): R2Range | undefined {
  if ('suffix' in spec) return spec.suffix > 0 ? { suffix: spec.suffix } : undefined;
  if (!Number.isSafeInteger(spec.first)) return undefined;
  const length = spec.last === undefined ? undefined : spec.last - spec.first + 1;
  return length !== undefined && Number.isSafeInteger(length)
    ? { offset: spec.first, length }
    : { offset: spec.first };
}

/** R2 may echo the range in any of its three forms. */
function normalise(range: R2Range, size: number): ByteRange {
  if ('suffix' in range && range.suffix !== undefined) {
    const length = Math.min(range.suffix, size);
    return { offset: size - length, length };
  }
  const offset = 'offset' in range && range.offset !== undefined ? range.offset : 0;
  const length = 'length' in range && range.length !== undefined ? range.length : size - offset;
  return { offset, length: Math.min(length, size - offset) };
}

function notFound(): Response {
  return jsonError(404, 'not-found');
}

function bodyResponse(
  object: R2Object,
  body: ReadableStream | null,
  range: ByteRange | undefined,
  options: ServeObjectOptions,
): Response {
  const headers = new Headers();
  object.writeHttpMetadata(headers);
  const type = servedContentType(headers.get('Content-Type'), object.key);
  headers.set('Content-Type', type);
  // Bytes of a type we do not expect are only ever saved, never shown (a caller's own
  // Content-Disposition, applied below, still names the file).
  if (isFallbackType(type)) headers.set('Content-Disposition', 'attachment');
  headers.set('X-Content-Type-Options', 'nosniff');
  applyCallerHeaders(headers, object, options);
  headers.set('Accept-Ranges', 'bytes');
  headers.set('Content-Length', String(range?.length ?? object.size));
  if (range !== undefined) {
    headers.set('Content-Range', contentRange(range, object.size));
  }
  return new Response(body, {
    status: range === undefined ? 200 : 206,
    headers,
    // A stored Content-Encoding means the bytes are already encoded: send them as they are.
    ...(object.httpMetadata?.contentEncoding !== undefined && { encodeBody: 'manual' as const }),
  });
}

/** RFC 9110 §15.4.5: a 304 repeats the validators and caching fields a 200 would carry. */
function validatorHeaders(object: R2Object, options: ServeObjectOptions): Headers {
  const headers = new Headers();
  const stored = object.httpMetadata;
  if (stored?.cacheControl !== undefined) headers.set('Cache-Control', stored.cacheControl);
  if (stored?.cacheExpiry !== undefined) headers.set('Expires', stored.cacheExpiry.toUTCString());
  applyCallerHeaders(headers, object, options);
  return headers;
}

/** Stored metadata < caller's headers < caller's cacheControl < validators; hop-by-hop never. */
function applyCallerHeaders(headers: Headers, object: R2Object, options: ServeObjectOptions): void {
  for (const [name, value] of new Headers(options.headers)) headers.set(name, value);
  if (options.cacheControl !== undefined) headers.set('Cache-Control', options.cacheControl);
  headers.set('ETag', object.httpEtag);
  headers.set('Last-Modified', object.uploaded.toUTCString());
  for (const name of HOP_BY_HOP) headers.delete(name);
}
