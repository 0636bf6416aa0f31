import { equalInConstantTime, fromBase64Url, toBase64Url } from '@edge-gallery/r2-signer';
import { hmac } from './signature.ts';

/** A place in the (taken_at, id) order: the last item of the page before. */
export type Position = { takenAt: string; id: string };

// 128 bits of HMAC-SHA256 is plenty to make an edited cursor a 400 rather than a query.
const MAC_BYTES = 16;
const MAX_CURSOR_LENGTH = 1024;
const encoder = new TextEncoder();
const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: false });

async function mac(secret: string, payload: string): Promise<string> {
  return toBase64Url((await hmac(secret, 'media-cursor', payload)).subarray(0, MAC_BYTES));
}

/** `<base64url JSON [takenAt, id]>.<base64url MAC>`: opaque to clients, tamper-evident here. */
export async function encodeCursor(secret: string, position: Position): Promise<string> {
  const payload = toBase64Url(encoder.encode(JSON.stringify([position.takenAt, position.id])));
  return `${payload}.${await mac(secret, payload)}`;
}

/** undefined for anything this worker did not issue. */
export async function decodeCursor(secret: string, cursor: string): Promise<Position | undefined> {
  if (cursor.length > MAX_CURSOR_LENGTH) return undefined;
  const [payload, signature, ...rest] = cursor.split('.');
  if (payload === undefined || signature === undefined || rest.length > 0) return undefined;
  if (!equalInConstantTime(signature, await mac(secret, payload))) return undefined;
  const bytes = fromBase64Url(payload);
  if (!bytes) return undefined;
  try {
    const value: unknown = JSON.parse(decoder.decode(bytes));
    if (
      Array.isArray(value) &&
      value.length === 2 &&
      typeof value[0] === 'string' &&
      typeof value[1] === 'string'
    ) {
      return { takenAt: value[0], id: value[1] };
    }
  } catch {}
  return undefined;
}

/** A page of rows read `limit + 1` at a time (the extra one says there is a next page), and
 * the cursor to that next page: null on the last. */
export async function pageOf<Row extends { taken_at: string; id: string }>(
  secret: string,
  rows: readonly Row[],
  limit: number,
): Promise<{ page: Row[]; nextCursor: string | null }> {
  const page = rows.slice(0, limit);
  const last = page.at(-1);
  const nextCursor =
    rows.length > limit && last
      ? await encodeCursor(secret, { takenAt: last.taken_at, id: last.id })
      : null;
  return { page, nextCursor };
}
