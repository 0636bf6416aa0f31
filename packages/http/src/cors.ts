import { jsonError } from './json-error.ts';

export type CorsOptions = {
  /** Send `Access-Control-Allow-Credentials: true` (the SPA uses `credentials: 'include'`). */
  credentials?: boolean;
  /** Methods a preflight may ask for; default GET, HEAD, POST. */
  methods?: readonly string[];
};

export type Cors = {
  /** The answer to a CORS preflight, or `undefined` when the request is not one. */
  preflight(): Response | undefined;
  /** The response with CORS headers for an allowed origin, and `Vary: Origin` always. */
  apply(response: Response): Response;
};

// Chromium caps preflight caching at 2 hours; 10 minutes keeps config changes quick.
const PREFLIGHT_MAX_AGE_SECONDS = '600';

// Readable by the SPA and hls.js beyond the CORS-safelisted response headers.
// Content-Disposition: a page that fetch()es a download (a ZIP of originals) reads its name.
const EXPOSED_HEADERS =
  'Content-Length, Content-Range, Accept-Ranges, ETag, Content-Disposition, Retry-After';

/**
 * CORS for an exact list of origins (`https://host[:port]`, as browsers send them).
 * Never `*`, never a reflected unknown origin, never the opaque origin `null`.
 */
export function cors(
  request: Request,
  allowedOrigins: readonly string[],
  options: CorsOptions = {},
): Cors {
  const origin = request.headers.get('Origin');
  const allowedOrigin =
    origin !== null && origin !== 'null' && allowedOrigins.includes(origin) ? origin : undefined;
  const methods = options.methods ?? ['GET', 'HEAD', 'POST'];

  function allowOrigin(headers: Headers): void {
    if (allowedOrigin === undefined) return;
    headers.set('Access-Control-Allow-Origin', allowedOrigin);
    if (options.credentials === true) headers.set('Access-Control-Allow-Credentials', 'true');
  }

  return {
    preflight() {
      const requestedMethod = request.headers.get('Access-Control-Request-Method');
      if (request.method !== 'OPTIONS' || requestedMethod === null) return undefined;
      const vary = 'Origin, Access-Control-Request-Method, Access-Control-Request-Headers';
      if (allowedOrigin === undefined || !methods.includes(requestedMethod)) {
        return jsonError(403, 'cors-not-allowed', { Vary: vary });
      }
      const headers = new Headers({ Vary: vary, 'Cache-Control': 'no-store' });
      allowOrigin(headers);
      headers.set('Access-Control-Allow-Methods', methods.join(', '));
      // The origin is trusted, so the headers it asks for are too (Content-Type, Range, ...).
      const requestedHeaders = request.headers.get('Access-Control-Request-Headers');
      if (requestedHeaders !== null) headers.set('Access-Control-Allow-Headers', requestedHeaders);
      headers.set('Access-Control-Max-Age', PREFLIGHT_MAX_AGE_SECONDS);
      return new Response(null, { status: 204, headers });
    },

    apply(response) {
      // Responses from fetch() or Response.redirect() have immutable headers.
      const copy = new Response(response.body, response);
      addVaryOrigin(copy.headers);
      allowOrigin(copy.headers);
      if (allowedOrigin !== undefined)
        copy.headers.set('Access-Control-Expose-Headers', EXPOSED_HEADERS);
      return copy;
    },
  };
}

function addVaryOrigin(headers: Headers): void {
  const vary = headers.get('Vary');
  if (vary === null) {
    headers.set('Vary', 'Origin');
    return;
  }
  const names = vary.split(',').map((name) => name.trim().toLowerCase());
  if (!names.includes('origin') && !names.includes('*')) headers.append('Vary', 'Origin');
}
