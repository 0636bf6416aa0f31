// The viewer worker's HTTP API, as DESIGN.md defines it, on the page's own origin
// (the Pages Function in production, the dev server's proxy locally): the session cookie is
// first-party, and `credentials: 'same-origin'` never sends it anywhere else.

import type { MediaPage, MediaItem as WireMediaItem } from '@edge-gallery/viewer/media-item';

/**
 * A listing item in the viewer's own wire type, once `parseMediaPage` has resolved its
 * `thumbnailUrl` and `fileUrl` to absolute URLs against the page's origin.
 */
export type MediaItem = WireMediaItem;

export type { MediaPage };

export type LoginResult =
  | { ok: true; expiresAt: number }
  | { ok: false; reason: 'wrong-password' }
  | { ok: false; reason: 'rate-limited'; retryAfterSeconds: number | undefined }
  | { ok: false; reason: 'unavailable' };

export type AuthState = { authenticated: true; expiresAt: number } | { authenticated: false };

/** A playback token for one video: query parameters to append, and when they expire (unix s). */
export type PlaybackToken = { query: string; expiresAt: number };

/** A failed API call. `status` 0 means the request never got an HTTP answer. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly reason: string,
  ) {
    super(`viewer API: ${status} ${reason}`);
    this.name = 'ApiError';
  }
}

export type ViewerApi = {
  login(password: string): Promise<LoginResult>;
  logout(): Promise<void>;
  auth(): Promise<AuthState>;
  listMedia(options: { cursor: string | null; limit: number }): Promise<MediaPage>;
  playback(videoId: string): Promise<PlaybackToken>;
};

export type ViewerApiOptions = {
  /** Where the viewer's routes are: the page's own origin (`location.origin`). */
  base: string;
  fetch?: typeof fetch;
  /** Called when an `/api/*` call answers 401: the session cookie is gone or expired. */
  onUnauthenticated?: () => void;
  /** For Retry-After dates. */
  now?: () => number;
};

export function createViewerApi(options: ViewerApiOptions): ViewerApi {
  const { base, onUnauthenticated } = options;
  const fetchImpl = options.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const now = options.now ?? Date.now;

  async function request(path: string, init: RequestInit = {}): Promise<Response> {
    try {
      return await fetchImpl(`${base.replace(/\/+$/, '')}${path}`, {
        ...init,
        credentials: 'same-origin',
        headers: { accept: 'application/json', ...init.headers },
      });
    } catch {
      throw new ApiError(0, 'network');
    }
  }

  async function json(response: Response): Promise<unknown> {
    try {
      return await response.json();
    } catch {
      throw new ApiError(response.status, 'bad-response');
    }
  }

  /** GET an `/api/*` resource that needs a session. */
  async function getApi(path: string): Promise<unknown> {
    const response = await request(path);
    if (response.status === 401) {
      onUnauthenticated?.();
      throw new ApiError(401, 'unauthenticated');
    }
    if (!response.ok) throw new ApiError(response.status, await errorReason(response));
    return json(response);
  }

  return {
    async login(password) {
      let response: Response;
      try {
        response = await request('/login', {
          method: 'POST',
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({ password }),
        });
      } catch {
        return { ok: false, reason: 'unavailable' };
      }
      if (response.status === 401) return { ok: false, reason: 'wrong-password' };
      if (response.status === 429) {
        const retryAfterSeconds = parseRetryAfter(response.headers.get('retry-after'), now());
        return { ok: false, reason: 'rate-limited', retryAfterSeconds };
      }
      if (!response.ok) return { ok: false, reason: 'unavailable' };
      const body = await json(response).catch(() => undefined);
      const expiresAt = isRecord(body) && typeof body.expiresAt === 'number' ? body.expiresAt : 0;
      return { ok: true, expiresAt };
    },

    async logout() {
      const response = await request('/logout', { method: 'POST' });
      if (!response.ok) throw new ApiError(response.status, await errorReason(response));
    },

    async auth() {
      const response = await request('/auth');
      if (!response.ok) throw new ApiError(response.status, await errorReason(response));
      const body = await json(response);
      if (isRecord(body) && body.authenticated === true && typeof body.expiresAt === 'number') {
        return { authenticated: true, expiresAt: body.expiresAt };
      }
      return { authenticated: false };
    },

    async listMedia({ cursor, limit }) {
      const query = new URLSearchParams({ limit: String(limit) });
      if (cursor !== null) query.set('cursor', cursor);
      const body = await getApi(`/api/media?${query}`);
      return parseMediaPage(body, base);
    },

    async playback(videoId) {
      const body = await getApi(`/api/videos/${encodeURIComponent(videoId)}/playback`);
      const token = parsePlaybackToken(body);
      if (token === undefined) throw new ApiError(200, 'bad-response');
      return token;
    },
  };
}

/** Validates a `/api/media` page and resolves its URLs against the viewer's base. */
export function parseMediaPage(body: unknown, base: string): MediaPage {
  if (!isRecord(body) || !Array.isArray(body.items)) throw new ApiError(200, 'bad-response');
  const nextCursor =
    typeof body.nextCursor === 'string' && body.nextCursor !== '' ? body.nextCursor : null;
  const items: MediaItem[] = [];
  for (const raw of body.items) {
    const item = parseMediaItem(raw, base);
    // One malformed row should not hide the rest of the gallery.
    if (item) items.push(item);
  }
  const expiresAt = positive(body.expiresAt) ?? null;
  return { items, nextCursor, expiresAt };
}

function parseMediaItem(raw: unknown, base: string): MediaItem | undefined {
  if (!isRecord(raw)) return undefined;
  const { id, kind, title, takenAt, width, height, thumbnailUrl, fileUrl } = raw;
  if (typeof id !== 'string' || id === '') return undefined;
  if (kind !== 'image' && kind !== 'video') return undefined;
  if (typeof thumbnailUrl !== 'string' || typeof fileUrl !== 'string') return undefined;
  const resolve = (url: unknown) => (typeof url === 'string' ? new URL(url, base).href : undefined);
  const thumbnails = Array.isArray(raw.thumbnails)
    ? raw.thumbnails.flatMap((candidate) => {
        if (!isRecord(candidate)) return [];
        const url = resolve(candidate.url);
        const width = positive(candidate.width);
        return url && width ? [{ url, width }] : [];
      })
    : [];
  const item: MediaItem = {
    id,
    kind,
    title: typeof title === 'string' ? title : '',
    takenAt: typeof takenAt === 'string' ? takenAt : '',
    // A missing size still gets a sensible placeholder (3:2, the common camera shape).
    width: positive(width) ?? 3,
    height: positive(height) ?? 2,
    thumbnailUrl: new URL(thumbnailUrl, base).href,
    thumbnails,
    fileUrl: new URL(fileUrl, base).href,
    // Older viewers had no downloadUrl: their originals take `?download=1`.
    downloadUrl: resolve(raw.downloadUrl) ?? downloadUrl(new URL(fileUrl, base).href),
  };
  const previewUrl = resolve(raw.previewUrl);
  if (previewUrl) item.previewUrl = previewUrl;
  const motionUrl = resolve(raw.motionUrl);
  if (motionUrl) item.motionUrl = motionUrl;
  if (raw.state === 'pending' || raw.state === 'hidden') item.state = raw.state;
  if (kind === 'video') {
    // Without a video id (a guest's video before `gallery process`) it plays from fileUrl.
    if (typeof raw.videoId === 'string' && raw.videoId !== '') item.videoId = raw.videoId;
    // Its playback token, signed with the page (a tap then waits for no token request).
    const playback = item.videoId === undefined ? undefined : parsePlaybackToken(raw.playback);
    if (playback !== undefined) item.playback = playback;
    const duration = positive(raw.durationSec);
    if (duration !== undefined) item.durationSec = duration;
  }
  return item;
}

/** `{query, expiresAt}` as the viewer issues it (the playback route, a listed video). */
function parsePlaybackToken(body: unknown): PlaybackToken | undefined {
  if (!isRecord(body) || typeof body.query !== 'string' || typeof body.expiresAt !== 'number') {
    return undefined;
  }
  return { query: body.query.replace(/^\?/, ''), expiresAt: body.expiresAt };
}

/**
 * The original as a download: with `download=1` the viewer answers `Content-Disposition:
 * attachment` named after the title. The SPA is on another origin, where browsers ignore
 * `<a download>`, and a plain link lets the browser stream the file to disk (no blob in memory).
 * Any query the URL already has is kept byte for byte.
 */
export function downloadUrl(fileUrl: string): string {
  const url = new URL(fileUrl);
  url.search = url.search === '' ? '?download=1' : `${url.search}&download=1`;
  return url.href;
}

/** Retry-After is either delta-seconds or an HTTP date (RFC 9110 §10.2.3). */
export function parseRetryAfter(value: string | null, now: number): number | undefined {
  if (value === null) return undefined;
  const trimmed = value.trim();
  if (/^\d+$/.test(trimmed)) return Number(trimmed);
  const date = Date.parse(trimmed);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

async function errorReason(response: Response): Promise<string> {
  const body = await response.json().catch(() => undefined);
  return isRecord(body) && typeof body.error === 'string' ? body.error : `http-${response.status}`;
}

function positive(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}
