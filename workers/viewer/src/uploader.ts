import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * Who is uploading: the media row's `uploaded_by`, the key of the upload rate and quota,
 * and what decides which pending items a guest sees as their own. For now the session id
 * (a new login is a new uploader); the device id cookie takes its place when it lands.
 */
export function uploaderOf(c: Context<AppEnv>): string {
  return c.var.session.id;
}
