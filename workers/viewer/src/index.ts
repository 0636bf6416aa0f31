import {
  bindingFailure,
  bindingUnavailableResponse,
  cors,
  EnvError,
  jsonError,
} from '@edge-gallery/http';
import { Hono } from 'hono';
import { boundedBindings } from './bindings.ts';
import { type AppEnv, loadConfig } from './env.ts';
import { auth } from './routes/auth.ts';
import { cacheVersion } from './routes/cache-version.ts';
import { files } from './routes/files.ts';
import { media } from './routes/media.ts';
import { playback } from './routes/playback.ts';
import { edits, review } from './routes/review.ts';
import { uploads } from './routes/uploads.ts';
import { securityHeaders } from './security-headers.ts';
import { requireSession } from './session.ts';
import { VersionError } from './versions.ts';

const app = new Hono<AppEnv>();

app.use(securityHeaders);
app.use(boundedBindings);
app.use(loadConfig);
app.use(async (c, next) => {
  const policy = cors(c.req.raw, c.var.config.ALLOWED_ORIGINS, { credentials: true });
  const preflight = policy.preflight();
  if (preflight) return preflight;
  await next();
  c.res = policy.apply(c.res);
});

// With DEBUG: where the session check found the versions (KV or the isolate's memo) and what
// a route measured — what `pnpm bench`'s cost model reads. Never a secret.
app.use(async (c, next) => {
  await next();
  if (c.var.config?.DEBUG !== true) return;
  const entries = [
    ...(c.var.versionsFrom ? [`versions;desc=${c.var.versionsFrom}`] : []),
    ...(c.var.timing ? [c.var.timing] : []),
  ];
  if (entries.length === 0) return;
  c.res = new Response(c.res.body, c.res);
  c.res.headers.append('Server-Timing', entries.join(', '));
});

app.get('/healthz', (c) => c.json({ ok: true }));
app.route('/', auth);
// Registered before the guard below, which it therefore never reaches: the one public /api/.
app.route('/', cacheVersion);
app.use('/api/*', requireSession);
app.route('/api/media', media);
app.route('/api/media', edits);
app.route('/api/review', review);
app.route('/api/uploads', uploads);
app.route('/api', files);
app.route('/api/videos', playback);

app.notFound(() => jsonError(404, 'not-found'));

// The one place where failures become HTTP. Configuration errors name what to fix, never a value.
app.onError((error) => {
  if (error instanceof EnvError) {
    console.error(error.message);
    return misconfigured(error.variables[0] ?? '(env)');
  }
  const unavailable = bindingFailure(error);
  if (unavailable !== undefined) {
    // The binding's own message may name a key, never a secret; it helps the owner's logs.
    const cause = unavailable.cause instanceof Error ? ` (${unavailable.cause.message})` : '';
    console.error(`viewer: ${unavailable.message}${cause}`);
    return bindingUnavailableResponse(unavailable);
  }
  if (error instanceof VersionError) {
    console.error(error.message);
    return misconfigured(`CACHE_VERSION.${error.key}`);
  }
  console.error(error);
  return jsonError(500, 'internal');
});

function misconfigured(variable: string): Response {
  return Response.json(
    { error: 'misconfigured', variable },
    { status: 500, headers: { 'Cache-Control': 'no-store' } },
  );
}

export default app;
