import { createMiddleware } from 'hono/factory';

// Every response is JSON or a media body, never a page: nothing may run, load, frame it or
// be sniffed into HTML. The CSP also matters for originals: an SVG opened directly from
// /api/file/ must not run script on this origin.
const HEADERS = {
  'Content-Security-Policy':
    "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'; sandbox",
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Referrer-Policy': 'no-referrer',
  'Strict-Transport-Security': 'max-age=31536000',
} as const;

export const securityHeaders = createMiddleware(async (c, next) => {
  await next();
  for (const [name, value] of Object.entries(HEADERS)) c.res.headers.set(name, value);
  // Answers carry private data unless a route says otherwise (files set their own).
  if (!c.res.headers.has('Cache-Control')) c.res.headers.set('Cache-Control', 'no-store');
});
