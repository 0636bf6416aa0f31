import { isNotModified, jsonError, parseRange } from '@edge-gallery/http';

const EPOCH = new Date(0);

/**
 * A body held in memory (a rewritten playlist) with the same HTTP behaviour as a
 * stored object: strong ETag, If-None-Match → 304, single and suffix Range → 206/416,
 * HEAD without a body. Playlists have no Last-Modified (they are built per window), so
 * If-Modified-Since does not apply.
 */
export function serveBytes(
  request: Request,
  bytes: Uint8Array,
  etag: string,
  headers: Record<string, string>,
): Response {
  const out = new Headers(headers);
  out.set('ETag', etag);
  out.set('Accept-Ranges', 'bytes');
  // If-None-Match only: with no Last-Modified, If-Modified-Since has nothing to compare.
  if (
    request.headers.has('If-None-Match') &&
    isNotModified(request.headers, { httpEtag: etag, uploaded: EPOCH })
  ) {
    return new Response(null, { status: 304, headers: out });
  }
  const range =
    request.method === 'GET' ? parseRange(request.headers.get('Range'), bytes.length) : undefined;
  if (range === 'unsatisfiable') {
    return jsonError(416, 'range-not-satisfiable', {
      'Accept-Ranges': 'bytes',
      'Content-Range': `bytes */${bytes.length}`,
    });
  }
  const body =
    range === undefined ? bytes : bytes.subarray(range.offset, range.offset + range.length);
  out.set('Content-Length', String(body.length));
  if (range !== undefined) {
    out.set(
      'Content-Range',
      `bytes ${range.offset}-${range.offset + range.length - 1}/${bytes.length}`,
    );
  }
  return new Response(request.method === 'HEAD' ? null : body, {
    status: range === undefined ? 200 : 206,
    headers: out,
  });
}
