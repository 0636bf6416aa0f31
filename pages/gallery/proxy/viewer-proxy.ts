// The Pages Function's whole job: hand the viewer's routes to the viewer worker through the
// service binding, and otherwise stay out of the way. The request goes as the browser sent
// it (method, URL on the page's origin, every header — Cookie, Range, If-None-Match,
// CF-Connecting-IP for the login limiter, Origin for the CSRF check — and the body as a
// stream), and the viewer's response comes back as it is (status, Set-Cookie and every other
// header, the body as a stream). Nothing is buffered, rewritten or cached here.

/** The `VIEWER` service binding (a Fetcher, reduced to what is used). */
export type ViewerBinding = { fetch(request: Request): Promise<Response> };

/** How long a browser should wait before trying a viewer that did not answer. */
export const RETRY_AFTER_SECONDS = 10;

export async function forwardToViewer(
  request: Request,
  viewer: ViewerBinding | undefined,
): Promise<Response> {
  if (viewer === undefined) {
    // A deploy without the binding: say so in the logs, and to the browser only "unavailable".
    console.error(
      'viewer proxy: the VIEWER service binding is missing (pages/gallery/wrangler.jsonc)',
    );
    return viewerUnavailable();
  }
  let response: Response;
  try {
    response = await viewer.fetch(request);
  } catch (error) {
    // The viewer threw, was not deployed, or hit a platform limit.
    console.error(`viewer proxy: ${error instanceof Error ? error.message : String(error)}`);
    return viewerUnavailable();
  }
  // The viewer's own errors are JSON, 5xx included (its 503s carry their own Retry-After).
  // A 5xx that is not is the platform's page for a viewer that is not there (wrangler's dev
  // registry says so in text/plain, Cloudflare with an HTML error page): the browser gets the
  // same clear answer as for a thrown error. Everything else, 4xx included, passes unchanged.
  if (response.status >= 500 && !isJson(response)) {
    await response.body?.cancel();
    console.error(`viewer proxy: the viewer did not answer (${response.status}, not JSON)`);
    return viewerUnavailable();
  }
  return response;
}

export function viewerUnavailable(): Response {
  return Response.json(
    { error: 'viewer-unavailable' },
    {
      status: 503,
      headers: { 'Retry-After': String(RETRY_AFTER_SECONDS), 'Cache-Control': 'no-store' },
    },
  );
}

function isJson(response: Response): boolean {
  const type = response.headers.get('Content-Type')?.split(';')[0]?.trim().toLowerCase();
  return type === 'application/json' || (type?.endsWith('+json') ?? false);
}
