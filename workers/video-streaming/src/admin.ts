import { equalInConstantTime, toBase64Url } from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';
import { bindingTimeoutMs } from './bindings.ts';
import { parseConfig } from './config/document.ts';
import {
  currentVersion,
  isVersionId,
  listVersions,
  publishConfig,
  readVersion,
  rollbackTo,
} from './config/versions.ts';
import { Failure } from './failure.ts';
import type { Visit } from './visit.ts';

// The admin API for the worker's config, all behind `Authorization: Bearer <ADMIN_TOKEN>`:
//
//   GET  /admin/config            the live version and its document
//   PUT  /admin/config            publish a document as the next version (validated)
//   GET  /admin/config/versions   every stored version, newest first
//   POST /admin/config/rollback   {"version": "<id>"}: make an existing version live again
//
// Answers are never cached. A change is live in this isolate at once and in every other
// within the config memo (about 60 s).

const encoder = new TextEncoder();
const digest = async (text: string) =>
  toBase64Url(new Uint8Array(await crypto.subtle.digest('SHA-256', encoder.encode(text))));

/** Throws 401 unless the request carries the admin token (compared in constant time). */
export async function requireAdmin(visit: Visit): Promise<undefined> {
  const header = visit.request.headers.get('Authorization') ?? '';
  const match = /^Bearer[ ]+(\S+)\s*$/i.exec(header);
  // Digests first, compared as the repository compares every secret (r2-signer's
  // equalInConstantTime): equal lengths, so the time reveals neither content nor length.
  const [given, expected] = await Promise.all([
    digest(match?.[1] ?? ''),
    digest(visit.settings.adminToken),
  ]);
  const ok = equalInConstantTime(given, expected);
  if (match === null || !ok) {
    throw new Failure('unauthorized', { 'WWW-Authenticate': 'Bearer realm="edge-gallery-video"' });
  }
  return undefined;
}

export async function readConfig(visit: Visit): Promise<Response> {
  const { kv, defaults } = visit.configMemo;
  const version = await kvCall(visit, () => currentVersion(kv));
  if (version === undefined) return answer({ version: null, source: 'default', config: defaults });
  const config = await kvCall(visit, () => readVersion(kv, version, defaults));
  if (config === undefined) throw new Failure('config-unavailable');
  return answer({ version, source: 'kv', config });
}

// A config document is a few hundred bytes; this bounds what a request can make us parse.
const MAX_BODY_BYTES = 64 * 1024;

export async function publish(visit: Visit): Promise<Response> {
  const configMemo = visit.configMemo;
  const document = await readJson(visit.request);
  const parsed = parseConfig(document, configMemo.defaults, 'publish');
  if (!parsed.success) {
    return answer(
      {
        error: 'invalid-config',
        issues: parsed.error.issues.map((issue) => ({
          path: issue.path.join('.'),
          message: issue.message,
        })),
      },
      400,
    );
  }
  const config = parsed.data;
  const version = await kvCall(visit, (signal) =>
    publishConfig(configMemo.kv, config, visit.now, signal),
  );
  configMemo.remember(version, config, visit.now);
  return answer({ version, config }, 201);
}

export async function versions(visit: Visit): Promise<Response> {
  const { kv } = visit.configMemo;
  const [current, all] = await kvCall(visit, () =>
    Promise.all([currentVersion(kv), listVersions(kv)]),
  );
  return answer({ current: current ?? null, versions: all });
}

// A version id as listed; a whole number names a version published before ids (`config:v7`).
const RollbackBody = z.strictObject({
  version: z.union([
    z.string().check(z.refine(isVersionId)),
    z.pipe(z.int().check(z.minimum(1)), z.transform(String)),
  ]),
});

export async function rollback(visit: Visit): Promise<Response> {
  const configMemo = visit.configMemo;
  const body = RollbackBody.safeParse(await readJson(visit.request));
  if (!body.success) throw new Failure('invalid-version');
  const { version } = body.data;
  const config = await kvCall(visit, () => rollbackTo(configMemo.kv, version, configMemo.defaults));
  if (config === undefined) throw new Failure('unknown-version');
  configMemo.remember(version, config, visit.now);
  return answer({ version, config });
}

async function readJson(request: Request): Promise<unknown> {
  const declared = Number(request.headers.get('Content-Length') ?? 0);
  if (declared > MAX_BODY_BYTES) throw new Failure('payload-too-large');
  const text = await request.text();
  if (encoder.encode(text).length > MAX_BODY_BYTES) throw new Failure('payload-too-large');
  try {
    return JSON.parse(text);
  } catch {
    throw new Failure('invalid-json');
  }
}

/**
 * KV failing is a 503 for this admin request. Reads are bounded by the bound env; writes
 * are not (a put may stream a body), so the whole call gets the same wait here, and a
 * publish that ran out of it stops before the pointer: nothing is half-applied but the
 * version document, which no pointer names.
 */
async function kvCall<T>(visit: Visit, work: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const signal = AbortSignal.timeout(bindingTimeoutMs(visit.env));
  try {
    return await Promise.race([
      work(signal),
      new Promise<never>((_, reject) => {
        signal.addEventListener('abort', () => reject(signal.reason), { once: true });
      }),
    ]);
  } catch (error) {
    if (error instanceof Failure) throw error;
    console.error(
      'video-streaming: admin KV call failed',
      error instanceof Error ? error.message : error,
    );
    throw new Failure('config-unavailable', { 'Retry-After': '1' });
  }
}

function answer(body: unknown, status = 200): Response {
  return Response.json(body, { status, headers: { 'Cache-Control': 'no-store' } });
}
