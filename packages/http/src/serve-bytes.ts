import { answerFor, contentRange, rangeNotSatisfiable } from './answer.ts';

/**
 * A body held in memory (a rewritten playlist) with the same HTTP behaviour as a stored
 * object (serveObject): strong ETag, If-None-Match → 304, single and suffix Range → 206 or
 * 416 (If-Range included), HEAD without a body. Such bodies have no Last-Modified (they are
 * built per window), so If-Modified-Since, and If-Range with a date, have nothing to match.
 */
export function serveBytes(
  request: Request,
  bytes: Uint8Array,
  etag: string,
  headers: HeadersInit,
): Response {
  const out = new Headers(headers);
  out.set('ETag', etag);
  out.set('Accept-Ranges', 'bytes');
  const answer = answerFor(request, { httpEtag: etag }, bytes.length);
  if (answer.status === 304) return new Response(null, { status: 304, headers: out });
  if (answer.status === 416) return rangeNotSatisfiable(bytes.length);
  let body = bytes;
  if (answer.status === 206) {
    const { offset, length } = answer.range;
    body = bytes.subarray(offset, offset + length);
    out.set('Content-Range', contentRange(answer.range, bytes.length));
  }
  out.set('Content-Length', String(body.length));
  return new Response(request.method === 'HEAD' ? null : body, {
    status: answer.status,
    headers: out,
  });
}
