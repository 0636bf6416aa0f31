import { boundBindings } from '@edge-gallery/http';

// Every call through R2 and KV gets one bounded wait (the S3 path has its own deadlines in
// upstream.ts). A storage read that fails or hangs answers 503 storage-unavailable with
// Retry-After; a config read falls back (config.ts) and an admin call answers 503
// config-unavailable. Five seconds: these calls take milliseconds when healthy.
// BINDING_TIMEOUT_MS overrides it (tests use a few milliseconds for bindings made to hang).
const DEFAULT_TIMEOUT_MS = 5_000;

/** The longest wait for one binding call, in milliseconds. */
export function bindingTimeoutMs(env: Env): number {
  const value = Number((env as { BINDING_TIMEOUT_MS?: string }).BINDING_TIMEOUT_MS);
  return Number.isInteger(value) && value > 0 && value <= 60_000 ? value : DEFAULT_TIMEOUT_MS;
}

/** `env` with bounded MEDIA and VIDEO_CACHE (the same object for the same env). */
export function boundedEnv(env: Env): Env {
  const timeoutMs = bindingTimeoutMs(env);
  return boundBindings(env, {
    MEDIA: { reason: 'storage-unavailable', timeoutMs },
    VIDEO_CACHE: { reason: 'config-unavailable', timeoutMs },
  });
}
