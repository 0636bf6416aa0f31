import type { IncomingMessage } from 'node:http';
import type { ProxyOptions } from 'vite';
import { viewerPathPattern } from './viewer-routes.ts';

/**
 * The Vite dev/preview server's stand-in for the Pages Function: the viewer's routes go to
 * the local viewer, so the page works from localhost, 127.0.0.1 or a LAN address alike.
 *
 * The viewer sees the request as if addressed to itself (`changeOrigin`: Host is the
 * viewer's), which is what makes its cookie the plain-http local one, with no `Secure` that a
 * browser on a LAN address would refuse. A request the browser made from the page's own
 * origin keeps being same-origin for the viewer's CSRF check (POST /login, /logout): its
 * `Origin` becomes the viewer's. Any other Origin (a cross-site form) passes unchanged, and
 * the viewer refuses it as it would on its own URL.
 */
export function viewerDevProxy(viewer: string): Record<string, ProxyOptions> {
  const target = new URL(viewer).origin;
  return {
    [viewerPathPattern.source]: {
      target,
      changeOrigin: true,
      configure(proxy) {
        proxy.on('proxyReq', (proxyReq, request) => {
          if (isSameOrigin(request)) proxyReq.setHeader('origin', target);
        });
      },
    },
  };
}

/** Whether the browser sent this request from a page served by this same dev server. */
export function isSameOrigin(request: Pick<IncomingMessage, 'headers' | 'socket'>): boolean {
  const { origin, host } = request.headers;
  if (origin === undefined || host === undefined) return false;
  const scheme = 'encrypted' in request.socket && request.socket.encrypted ? 'https' : 'http';
  return origin === `${scheme}://${host}`;
}
