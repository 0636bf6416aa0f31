import { isNotModified, rangeStillApplies, type Validators } from './conditional.ts';
import { jsonError } from './json-error.ts';
import { type ByteRange, parseRangeSpec, type RangeSpec, resolveRange } from './range.ts';

/** What a GET or HEAD of a representation gets, before any body is read. */
export type Answer =
  | { status: 304 }
  | { status: 416 }
  | { status: 200 }
  | { status: 206; range: ByteRange };

/**
 * RFC 9110 §13.2.2 for GET and HEAD of a representation of `size` bytes — the one place
 * both workers decide between 304, 416, 206 and 200: If-None-Match (or, without it,
 * If-Modified-Since) → 304; then a single Range of a GET, applied only while If-Range
 * still matches (§13.1.5), → 206 or 416; else 200. `spec` is the request's Range when the
 * caller has parsed it already.
 */
export function answerFor(
  request: Request,
  validators: Validators,
  size: number,
  spec: RangeSpec | undefined = rangeSpecOf(request),
): Answer {
  const headers = request.headers;
  if (isNotModified(headers, validators)) return { status: 304 };
  if (spec === undefined || !rangeStillApplies(headers, validators)) return { status: 200 };
  const range = resolveRange(spec, size);
  if (range === 'unsatisfiable') return { status: 416 };
  return range === undefined ? { status: 200 } : { status: 206, range };
}

/** The single range a GET asks for; Range is defined for GET only (RFC 9110 §14.2). */
export function rangeSpecOf(request: Request): RangeSpec | undefined {
  return request.method === 'GET' ? parseRangeSpec(request.headers.get('Range')) : undefined;
}

/** `Content-Range` of a 206. */
export function contentRange(range: ByteRange, size: number): string {
  return `bytes ${range.offset}-${range.offset + range.length - 1}/${size}`;
}

/** The 416 answer: what the size is, so the client can ask again. */
export function rangeNotSatisfiable(size: number): Response {
  return jsonError(416, 'range-not-satisfiable', {
    'Accept-Ranges': 'bytes',
    'Content-Range': `bytes */${size}`,
  });
}
