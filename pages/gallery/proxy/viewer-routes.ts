// The viewer worker's routes as the guest's browser reaches them: on the page's own origin
// (DESIGN.md "Auth"), so the session cookie is first-party wherever the SPA is hosted.
// One definition for the three places that route them: the Vite dev/preview proxy
// (vite.config.ts), the Pages Function (functions/[[path]].ts) and Pages' public/_routes.json
// (a test keeps that file equal to these lists, so static assets never cost an invocation).

/** Pages `_routes.json` patterns of the paths forwarded to the viewer… */
export const viewerRoutes = ['/login', '/logout', '/auth', '/api/*'] as const;

/** …but these: HLS is the video worker's, on its own origin (VIDEO_API_BASE). */
export const notViewerRoutes = ['/api/hls/*'] as const;

/**
 * The same as a regular expression over a request target (path, with or without its query):
 * the form Vite's proxy table takes.
 */
export const viewerPathPattern = /^\/(?:(?:login|logout|auth)(?:[?#]|$)|api\/(?!hls\/))/;

/** Whether a request path belongs to the viewer. */
export function isViewerPath(pathname: string): boolean {
  return viewerPathPattern.test(pathname);
}
