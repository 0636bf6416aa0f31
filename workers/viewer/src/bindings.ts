import { boundBindings } from '@edge-gallery/http';
import { createMiddleware } from 'hono/factory';
import type { AppEnv } from './env.ts';

// Every call through R2, D1, KV and the rate limiters gets one bounded wait; a binding that
// fails or hangs answers 503 with Retry-After (index.ts maps BindingUnavailable), never 500.
// Five seconds: these calls take milliseconds when healthy, and a visitor staring at a
// spinner longer than that is better served by a retry. BINDING_TIMEOUT_MS overrides it
// (tests use a few milliseconds for bindings made to hang).
const DEFAULT_TIMEOUT_MS = 5_000;

function timeoutOf(env: Env): number {
  const value = Number((env as { BINDING_TIMEOUT_MS?: string }).BINDING_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 && value <= 60_000 ? value : DEFAULT_TIMEOUT_MS;
}

export const boundedBindings = createMiddleware<AppEnv>(async (c, next) => {
  const timeoutMs = timeoutOf(c.env);
  c.env = boundBindings(c.env, {
    MEDIA: { reason: 'storage-unavailable', timeoutMs },
    DB: { reason: 'database-unavailable', timeoutMs },
    CACHE_VERSION: { reason: 'kv-unavailable', timeoutMs },
    LOGIN_LIMITER: { reason: 'rate-limiter-unavailable', timeoutMs },
    LOGIN_CEILING: { reason: 'rate-limiter-unavailable', timeoutMs },
  } as Parameters<typeof boundBindings<Env>>[1]);
  await next();
});
