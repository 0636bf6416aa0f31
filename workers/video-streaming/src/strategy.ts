import type { RolloutConfig } from './config/document.ts';

/** How media URIs in a playlist are written (DESIGN.md "Video delivery"). */
export type Strategy = 'presign' | 'token' | 'public' | 'redirect';

/**
 * The strategy for a visitor's rollout bucket (0..99, signed into the playback token, so
 * it cannot be chosen by the visitor and stays the same for the whole playback).
 * Buckets are dealt out by cumulative percentage in the order presign, token, public,
 * redirect: with {presign: 90, token: 10}, buckets 0..89 presign and 90..99 token.
 *
 * `redirect` is the design this worker replaces (media URIs on the worker, each answered
 * `302` to a URL presigned then): one more round trip per segment. It exists so that the
 * SPA's browser bench measures that baseline against the real worker.
 */
export function strategyFor(bucket: number, config: RolloutConfig): Strategy {
  const { presign, token, public: pub } = config.rollout;
  if (bucket < presign) return 'presign';
  if (bucket < presign + token) return 'token';
  // Without a public base there is nothing to point at: presigned URLs always work.
  if (bucket < presign + token + pub) return config.publicBase === null ? 'presign' : 'public';
  return 'redirect';
}
