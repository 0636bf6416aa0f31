/**
 * The one shape of every error answer: `{"error":"<reason-code>"}`, never cached.
 * `headers` are applied last, so a caller can add `Retry-After` or `Allow`.
 */
export function jsonError(status: number, reason: string, headers?: HeadersInit): Response {
  const response = Response.json(
    { error: reason },
    // nosniff: an error body is JSON, never something a browser should guess into a page.
    { status, headers: { 'Cache-Control': 'no-store', 'X-Content-Type-Options': 'nosniff' } },
  );
  for (const [name, value] of new Headers(headers)) response.headers.set(name, value);
  return response;
}
