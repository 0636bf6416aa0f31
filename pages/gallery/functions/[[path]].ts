// Pages Function: the viewer's routes on the page's own origin (DESIGN.md "Auth"). Pages
// invokes it only for the paths public/_routes.json lists; any other path reaching it (as in
// `wrangler pages dev` without that file) goes on to the static assets.
import { forwardToViewer, type ViewerBinding } from '../proxy/viewer-proxy.ts';
import { isViewerPath } from '../proxy/viewer-routes.ts';

type Context = {
  request: Request;
  env: { VIEWER?: ViewerBinding };
  next(): Promise<Response>;
};

export const onRequest = (context: Context): Promise<Response> =>
  isViewerPath(new URL(context.request.url).pathname)
    ? forwardToViewer(context.request, context.env.VIEWER)
    : context.next();
