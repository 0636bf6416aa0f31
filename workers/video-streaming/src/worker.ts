import { cors } from '@edge-gallery/http';
import { type IRequest, Router } from 'itty-router';
import { publish, readConfig, requireAdmin, rollback, versions } from './admin.ts';
import { boundedEnv } from './bindings.ts';
import { Failure, failureResponse } from './failure.ts';
import { serveHls } from './hls.ts';
import { masterPath, objectPath } from './paths.ts';
import { Isolate, Visit } from './visit.ts';

export type WorkerOptions = {
  /** The clock, in milliseconds (tests move it; production reads Date.now). */
  now?: () => number;
  /** How the worker reaches an S3-compatible store (MEDIA_STORAGE=s3). */
  fetch?: typeof fetch;
};

type VisitRequest = IRequest & { visit: Visit };
type Args = [Env, ExecutionContext];

/** The video worker: itty-router stages around a short list of routes. */
export function createWorker(options: WorkerOptions = {}) {
  const now = options.now ?? Date.now;
  const isolate = new Isolate(options.fetch);

  const router = Router<VisitRequest, Args>({
    before: [
      (request: VisitRequest, env: Env, ctx: ExecutionContext) => {
        request.visit = new Visit(request, boundedEnv(env), ctx, isolate, now());
      },
      preflight,
    ],
    catch: failureResponse,
    finally: [decorate],
  });

  router
    .get('/healthz', health)
    .get('/api/hls/playlist', master)
    .head('/api/hls/playlist', master)
    .get('/api/hls/*', object)
    .head('/api/hls/*', object)
    .all('/api/hls/*', () => methodNotAllowed('GET, HEAD'))
    .all('/admin/*', ({ visit }) => requireAdmin(visit))
    .get('/admin/config', ({ visit }) => readConfig(visit))
    .put('/admin/config', ({ visit }) => publish(visit))
    .get('/admin/config/versions', ({ visit }) => versions(visit))
    .post('/admin/config/rollback', ({ visit }) => rollback(visit))
    .all('*', () => {
      throw new Failure('not-found');
    });

  return {
    fetch: (request: Request, env: Env, ctx: ExecutionContext): Promise<Response> =>
      router.fetch(request, env, ctx),
    /** This worker's isolate state (caches, config memo), for tests to inspect. */
    isolate,
  };
}

/** Liveness only: no secrets, no storage, not even the env. */
const health = () => Response.json({ ok: true }, { headers: { 'Cache-Control': 'no-store' } });

/** `/api/hls/playlist?key=<videoId>&<token>`: the master playlist. */
const master = ({ visit }: VisitRequest) =>
  serveHls(visit, masterPath(visit.url.searchParams.getAll('key')));

/** `/api/hls/<videoId>/<path>?<token>`: a variant playlist or a media object. */
const object = ({ visit }: VisitRequest) => serveHls(visit, objectPath(visit.url.pathname));

function methodNotAllowed(allow: string): never {
  throw new Failure('method-not-allowed', { Allow: allow });
}

const isHls = (visit: Visit) => visit.url.pathname.startsWith('/api/hls/');

/** CORS preflights of the HLS routes (a player on the SPA's origin may send Range). */
async function preflight({ visit }: VisitRequest): Promise<Response | undefined> {
  if (visit.request.method !== 'OPTIONS' || !isHls(visit)) return undefined;
  return cors(visit.request, await allowedOrigins(visit, true), {
    methods: ['GET', 'HEAD'],
  }).preflight();
}

/**
 * The ALLOWED_ORIGINS variable (fixed per deployment) plus the config's allowedOrigins
 * (changed at run time). A request whose token failed never causes a KV read: its
 * error answer uses whatever config this isolate already holds.
 */
async function allowedOrigins(visit: Visit, mayRead: boolean): Promise<string[]> {
  const loaded = visit.loaded ?? (mayRead ? await visit.config() : visit.configMemo.peek());
  return [...visit.settings.allowedOrigins, ...(loaded?.config.allowedOrigins ?? [])];
}

/** CORS and Server-Timing on every HLS answer, errors included. */
async function decorate(response: Response, { visit }: VisitRequest): Promise<Response> {
  if (!isHls(visit) || visit.request.method === 'OPTIONS') return response;
  let settings: Visit['settings'];
  try {
    settings = visit.settings;
  } catch {
    return response; // misconfigured: the answer is already the 500
  }
  const origins = await allowedOrigins(visit, false);
  const out = cors(visit.request, origins, { methods: ['GET', 'HEAD'] }).apply(response);
  const debug = visit.loaded?.config.debug ?? visit.configMemo.peek()?.config.debug ?? false;
  if (settings.debug || debug) {
    out.headers.set('Server-Timing', visit.timing.header());
    const origin = out.headers.get('Access-Control-Allow-Origin');
    if (origin !== null) {
      // Lets the SPA's devtools and Resource Timing see the entries across origins.
      out.headers.set('Timing-Allow-Origin', origin);
      out.headers.append('Access-Control-Expose-Headers', 'Server-Timing');
    }
  }
  return out;
}
