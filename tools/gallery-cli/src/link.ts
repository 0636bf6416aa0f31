// `pnpm gallery link`: the join link of an environment, `<page>/#/join/<password>`
// (DESIGN.md, "Auth"), printed and written as a printable QR code (PNG and SVG) for
// cards on the tables. Anyone who scans it is in: the files are as secret as the password.
import { mkdir, writeFile } from 'node:fs/promises';
import { isAbsolute, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot, services, stackVars } from '@edge-gallery/stack';
import QRCode from 'qrcode';
import { unstable_readConfig } from 'wrangler';

export const LINK_USAGE = `Usage: pnpm gallery link [--env local|staging|production] [options]

Prints the gallery's join link (<page>/#/join/<password>: opening it signs a guest in)
and writes it as a QR code: gallery-link-<env>.png (print) and .svg (any size).

Options:
  --env <name>   local (default), staging or production
  --url <url>    the gallery page (default: the first of the viewer's ALLOWED_ORIGINS for
                 that environment, e.g. https://edge-gallery.pages.dev)
  --out <dir>    where the QR code files go (default: the current directory)
  -h, --help     this text

The password: GALLERY_PASSWORD from the environment; for local, the viewer's .dev.vars.`;

export type LinkCommand = { env: string; url: string | undefined; out: string };

export function parseLinkArgs(
  argv: readonly string[],
  cwd: string,
): LinkCommand | { help: true } | { error: string } {
  let values: { env?: string; url?: string; out?: string; help?: boolean };
  let positionals: string[];
  try {
    ({ values, positionals } = parseArgs({
      args: [...argv],
      allowPositionals: true,
      options: {
        env: { type: 'string' },
        url: { type: 'string' },
        out: { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
  if (values.help) return { help: true };
  if (positionals.length) return { error: `unexpected argument: ${positionals[0]}` };
  const env = values.env ?? 'local';
  if (!['local', 'staging', 'production'].includes(env)) {
    return { error: `--env must be local, staging or production, got ${env}` };
  }
  const out = values.out ?? '.';
  return { env, url: values.url, out: isAbsolute(out) ? out : resolve(cwd, out) };
}

/** The join link: the page URL (path kept, query and fragment dropped) + `#/join/<password>`. */
export function joinLink(pageUrl: string, password: string): string {
  const url = new URL(pageUrl);
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new Error(`the gallery page must be an http(s) URL, got ${pageUrl}`);
  }
  url.search = '';
  url.hash = '';
  // Percent-encoded as the page decodes it (decodeURIComponent): any password survives.
  return `${url.href}#/join/${encodeURIComponent(password)}`;
}

/**
 * The gallery page of an environment: the first origin the viewer accepts requests from
 * (its ALLOWED_ORIGINS, set per environment in workers/viewer/wrangler.jsonc).
 */
export function pageUrlOf(env: string): string {
  const config = unstable_readConfig({
    config: join(repoRoot, services.viewer.dir, 'wrangler.jsonc'),
    ...(env === 'local' ? {} : { env }),
  });
  const origins = String((config.vars as Record<string, unknown>).ALLOWED_ORIGINS ?? '');
  const first = origins
    .split(',')
    .map((origin) => origin.trim())
    .find(Boolean);
  if (!first) throw new Error(`the viewer's ALLOWED_ORIGINS for ${env} is empty: pass --url`);
  return first;
}

export function passwordOf(env: string, vars: NodeJS.ProcessEnv): string {
  const password =
    vars.GALLERY_PASSWORD ||
    (env === 'local' ? stackVars('viewer').get('GALLERY_PASSWORD') : undefined);
  if (!password) {
    throw new Error(
      env === 'local'
        ? 'no GALLERY_PASSWORD: start the stack once (`npm start`) or set GALLERY_PASSWORD'
        : `set GALLERY_PASSWORD to the ${env} gallery password (the viewer's secret)`,
    );
  }
  return password;
}

// Error correction M (15%): survives a smudged print at a module size a phone reads from
// a table card; 4 modules of quiet zone as ISO/IEC 18004 asks; 1024 px prints sharp at 8 cm.
const QR_OPTIONS = { errorCorrectionLevel: 'M', margin: 4 } as const;

/** Writes `<out>/gallery-link-<env>.png` and `.svg`; returns their paths. */
export async function writeQrCode(
  link: string,
  out: string,
  env: string,
): Promise<{ png: string; svg: string }> {
  await mkdir(out, { recursive: true });
  const png = join(out, `gallery-link-${env}.png`);
  const svg = join(out, `gallery-link-${env}.svg`);
  // mode 600: whoever reads the file has the password.
  await writeFile(png, await QRCode.toBuffer(link, { ...QR_OPTIONS, type: 'png', width: 1024 }), {
    mode: 0o600,
  });
  await writeFile(svg, await QRCode.toString(link, { ...QR_OPTIONS, type: 'svg' }), {
    mode: 0o600,
  });
  return { png, svg };
}

export async function runLink(argv: readonly string[], cwd: string): Promise<number> {
  const args = parseLinkArgs(argv, cwd);
  if ('help' in args) {
    console.log(LINK_USAGE);
    return 0;
  }
  if ('error' in args) {
    console.error(`gallery link: ${args.error}\n\n${LINK_USAGE}`);
    return 2;
  }
  const link = joinLink(args.url ?? pageUrlOf(args.env), passwordOf(args.env, process.env));
  const files = await writeQrCode(link, args.out, args.env);
  console.log(link);
  console.error(
    `QR code: ${files.png}, ${files.svg}\nAnyone with this link or code can open the gallery; changing the password retires it.`,
  );
  return 0;
}
