import { encodeKey } from '@edge-gallery/http';
import { PresignError, type Presigner } from '@edge-gallery/r2-signer';
import { Failure } from './failure.ts';
import { urlPathOf } from './paths.ts';
import { PlaylistRefused, rewritePlaylist, type UriRef } from './playlist/rewrite.ts';
import type { Strategy } from './strategy.ts';
import { tagOf } from './tag.ts';

// A signed playlist without its visitor: the rewritten text, cut where each visitor's
// token query goes. Every visitor of a video in one time window gets the same template
// (same presigned URLs, same X-Amz-Date), so it is built once and cached under a key
// that holds no token; serving it is one `join`.

export type Template = {
  /** The playlist split at each token query: `parts.join(query)` is the visitor's copy. */
  parts: readonly string[];
  /** Unix seconds when the presigned URLs inside stop working; null when there are none. */
  urlsExpireAt: number | null;
  /** Names these bytes (source object, strategy, window, config): the ETag's base. */
  tag: string;
  /** The UTF-8 body, once encoded, when it is the same for every visitor (one part). */
  encoded?: Uint8Array;
};

/** Where the token query goes. RFC 8216 §4.1 forbids control characters in a playlist. */
const TOKEN_SLOT = '\u0000';

export type BuildOptions = {
  key: string;
  scope: string;
  strategy: Strategy;
  presigner: Presigner;
  /** Window start in milliseconds: the X-Amz-Date of every presigned URL. */
  windowStart: number;
  /** Seconds from window start to URL expiry: window length + presign TTL. */
  urlLifetime: number;
  publicBase: string | null;
  /** Identifies the config and environment the template was built under. */
  tagBase: string;
  /** Hears how long presigning took. */
  onSign?: (ms: number) => void;
};

export function buildTemplate(
  source: { text: string; etag: string },
  options: BuildOptions,
): Template {
  const { text } = source;
  if (text.includes(TOKEN_SLOT)) throw new Failure('bad-playlist');
  let urlsExpireAt: number | null = null;

  const rewrite = (refs: readonly UriRef[]): string[] => {
    const uris = new Array<string>(refs.length);
    const signKeys: string[] = [];
    const signAt: number[] = [];
    for (let i = 0; i < refs.length; i++) {
      const ref = refs[i]!;
      if (
        ref.kind === 'playlist' ||
        options.strategy === 'token' ||
        options.strategy === 'redirect'
      ) {
        // Back to this worker, which rewrites playlists and serves (token) or redirects media.
        uris[i] = `${urlPathOf(ref.key)}?${TOKEN_SLOT}`;
      } else if (options.strategy === 'public' && options.publicBase !== null) {
        uris[i] = `${options.publicBase}/${encodeKey(ref.key)}`;
      } else {
        signAt.push(i);
        signKeys.push(ref.key);
      }
    }
    if (signKeys.length > 0) {
      const started = performance.now();
      let urls: string[];
      try {
        // One batch: one X-Amz-Date, one signing key, one pass per URL.
        urls = options.presigner.presignBatch(signKeys, {
          expiresIn: options.urlLifetime,
          now: options.windowStart,
        });
      } catch (error) {
        // A key S3 cannot name (over 1,024 bytes, say): the stored playlist is at fault.
        if (error instanceof PresignError) throw new Failure('bad-playlist');
        throw error;
      }
      options.onSign?.(performance.now() - started);
      for (let j = 0; j < signAt.length; j++) uris[signAt[j]!] = urls[j]!;
      urlsExpireAt = Math.floor(options.windowStart / 1000) + options.urlLifetime;
    }
    return uris;
  };

  let rewritten: string;
  try {
    rewritten = rewritePlaylist(text, {
      playlistKey: options.key,
      scope: options.scope,
      rewrite,
      // Every playlist served here carries a visitor's token: nothing in it may take the
      // player, or the token, to another host.
      confine: true,
    });
  } catch (error) {
    if (!(error instanceof PlaylistRefused)) throw error;
    console.warn(`video-streaming: ${options.key} refused (${error.reason})`);
    throw new Failure('bad-playlist');
  }
  return {
    parts: rewritten.split(TOKEN_SLOT),
    urlsExpireAt,
    tag: tagOf(`${options.tagBase}\n${source.etag}`),
  };
}

const encoder = new TextEncoder();

/** The visitor's playlist, as UTF-8. */
export function renderTemplate(template: Template, query: string): Uint8Array {
  const { parts } = template;
  if (parts.length > 1) return encoder.encode(parts.join(query));
  // The same bytes for everyone: encoded once per template (a presigned 600-segment
  // playlist is about 200 KB, and encoding it was the largest cost of a cache hit).
  template.encoded ??= encoder.encode(parts[0]);
  return template.encoded;
}

/** The template as one string for the Cache API and KV: parts separated by the slot. */
export function serializeParts(template: Template): string {
  return template.parts.join(TOKEN_SLOT);
}

export function deserializeParts(text: string): string[] {
  return text.split(TOKEN_SLOT);
}
