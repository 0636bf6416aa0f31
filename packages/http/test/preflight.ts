/**
 * A browser's CORS preflight, as the workers' tests send it: from `origin`, before a
 * `method` request that sends `requestHeaders` (none: a simple one).
 */
export function preflight(origin: string, method: string, requestHeaders?: string): RequestInit {
  return {
    method: 'OPTIONS',
    headers: {
      Origin: origin,
      'Access-Control-Request-Method': method,
      ...(requestHeaders === undefined ? {} : { 'Access-Control-Request-Headers': requestHeaders }),
    },
  };
}
