import type { Context } from 'hono';
import type { AppEnv } from './env.ts';

/**
 * Who is uploading: the media row's `uploaded_by`, the key of the upload rate and quota,
 * and what decides which pending items a visitor sees as their own. The session's device id
 * (device.ts): a guest who signs in again on the same phone still sees and can finish their
 * uploads. Rows written before device ids hold a session id, which a session from then still
 * carries as its device (session.ts), so they stay their uploader's until it ends.
 */
export function uploaderOf(c: Context<AppEnv>): string {
  return c.var.session.device;
}
