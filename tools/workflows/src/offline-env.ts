import { delimiter, dirname, join } from 'node:path';

/**
 * The whole environment of an offline wrangler run (pass it with `inherit: false`): no
 * account, no login, no network — an empty home under `scratch` (no saved wrangler login)
 * and no Cloudflare credentials, so placeholder ids are never sent anywhere. PATH keeps the
 * Node running this process first: wrangler needs Node >= 22.
 */
export function offlineEnv(scratch: string): NodeJS.ProcessEnv {
  return {
    PATH: [dirname(process.execPath), process.env.PATH].join(delimiter),
    HOME: scratch,
    XDG_CONFIG_HOME: join(scratch, 'config'),
    CI: 'true',
    WRANGLER_SEND_METRICS: 'false',
  };
}
