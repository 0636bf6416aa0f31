import { parseEnv } from '@edge-gallery/http';
import { type PlaybackKey, parsePlaybackKeys } from '@edge-gallery/r2-signer';
import { createMiddleware } from 'hono/factory';
import * as z from 'zod';
import type { Session } from './session.ts';
import type { Versions } from './versions.ts';

const DAY = 24 * 60 * 60;

const origins = z
  .string()
  .default('')
  .transform((value, ctx) => {
    const list = value
      .split(',')
      .map((origin) => origin.trim())
      .filter(Boolean);
    for (const origin of list) {
      if (URL.canParse(origin) && new URL(origin).origin === origin) continue;
      ctx.addIssue({ code: 'custom', message: `not an origin: ${origin}` });
    }
    return list;
  });

const playbackKeys = z.string().transform((value, ctx): PlaybackKey[] => {
  try {
    return parsePlaybackKeys(value);
  } catch {
    // Not the parser's message: given a value without ':', it quotes the whole value (the
    // secret) as a key id, and this message goes to the logs.
    ctx.addIssue({
      code: 'custom',
      message:
        'expected "<id>:<secret>[,<id>:<secret>...]", ids of A-Z a-z 0-9 _ -, secrets of 16+ characters, the signing key first',
    });
    return z.NEVER;
  }
});

/** The environment the viewer needs, checked once per isolate at the first request. */
export const configSchema = z
  .object({
    GALLERY_PASSWORD: z.string().min(1),
    // Signs in with the owner role (review, hide, rename, delete); guests never get it.
    OWNER_PASSWORD: z.string().min(12),
    AUTH_SECRET: z.string().min(32),
    PLAYBACK_TOKEN_SECRET: playbackKeys,
    ALLOWED_ORIGINS: origins,
    SESSION_TTL_SECONDS: z.coerce
      .number()
      .int()
      .min(300)
      .max(30 * DAY)
      .default(7 * DAY),
  })
  // The same value for both would make every guest the owner.
  .refine((config) => config.OWNER_PASSWORD !== config.GALLERY_PASSWORD, {
    path: ['OWNER_PASSWORD'],
    message: 'must differ from GALLERY_PASSWORD',
  });

export type Config = z.output<typeof configSchema>;

export type AppEnv = {
  Bindings: Env;
  Variables: { config: Config; session: Session; versions: Versions };
};

export const loadConfig = createMiddleware<AppEnv>(async (c, next) => {
  c.set('config', parseEnv(configSchema, c.env));
  await next();
});
