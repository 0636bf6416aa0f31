// The CLI as the owner runs it, for the tests: a separate process over a temporary local
// state, and what that state holds afterwards, read back as the viewer reads it.
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { openLocalState } from '@edge-gallery/stack';

const cli = join(import.meta.dirname, 'cli.ts');

export type Run = { code: number | null; stdout: string; stderr: string };

/**
 * `pnpm gallery …` as pnpm starts it: from the repo, with INIT_CWD = `root` (where the owner
 * typed it). The child emits `stdout` with everything written so far, for kill tests.
 */
export function startCli(
  root: string,
  args: string[],
  env: NodeJS.ProcessEnv = {},
): { child: ChildProcess; result: Promise<Run> } {
  const child = spawn(process.execPath, [cli, ...args], {
    cwd: join(import.meta.dirname, '..'),
    // TMPDIR inside root: a killed run's scratch folder goes with it.
    env: { ...process.env, INIT_CWD: root, TZ: 'UTC', TMPDIR: join(root, 'tmp'), ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
    // Its own process group, so a kill reaches the workerd it started too.
    detached: true,
  });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (chunk) => {
    stdout += chunk;
    child.emit('stdout', stdout);
  });
  child.stderr!.on('data', (chunk) => {
    stderr += chunk;
  });
  const result = new Promise<Run>((resolve) =>
    child.on('close', (code) => resolve({ code, stdout, stderr })),
  );
  return { child, result };
}

/** Everything a state holds that the CLI writes: objects (key, size, MD5, type) and rows. */
export async function snapshot(stateDir: string) {
  const { media: bucket, db, dispose } = await openLocalState(stateDir);
  try {
    const objects: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await bucket.list({ include: ['httpMetadata'], ...(cursor ? { cursor } : {}) });
      for (const o of page.objects)
        objects.push(`${o.key} ${o.size} ${o.etag} ${o.httpMetadata?.contentType}`);
      cursor = page.truncated ? page.cursor : undefined;
    } while (cursor);
    const { results } = await db
      .prepare('SELECT * FROM media ORDER BY id')
      .bind()
      .all<Record<string, unknown>>();
    // created_at is when the row was written: the one column two imports never share.
    const rows = results.map(({ created_at: _, ...row }) => row);
    return { objects: objects.sort(), rows };
  } finally {
    await dispose();
  }
}

/**
 * A tiny static HTTP server over a state's bucket (`<url>/<key>`), standing in for the video
 * worker's token strategy so ffmpeg can play a ladder as a player would fetch it.
 */
export async function serveBucket(
  stateDir: string,
): Promise<{ url: string; close: () => Promise<void> }> {
  const { media: bucket, dispose } = await openLocalState(stateDir);
  const server = createServer(async (request, response) => {
    const object = await bucket.get(
      decodeURIComponent(new URL(request.url!, 'http://x').pathname.slice(1)),
    );
    if (!object) return response.writeHead(404).end();
    response.writeHead(200, {
      'content-type': object.httpMetadata?.contentType ?? 'application/octet-stream',
    });
    response.end(Buffer.from(await object.arrayBuffer()));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    async close() {
      server.close();
      await dispose();
    },
  };
}

/** ffprobe decoding every frame of `url` (an HLS master): its streams with frames read. */
export async function probeFrames(url: string): Promise<Record<string, unknown>[]> {
  const out = await new Promise<string>((resolve, reject) => {
    const child = spawn('ffprobe', [
      ...['-v', 'error', '-count_frames', '-of', 'json'],
      ...['-show_entries', 'stream=codec_type,width,height,nb_read_frames'],
      url,
    ]);
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c) => (stdout += c));
    child.stderr.on('data', (c) => (stderr += c));
    child.on('close', (code) => (code === 0 ? resolve(stdout) : reject(new Error(stderr))));
  });
  return (JSON.parse(out) as { streams: Record<string, unknown>[] }).streams;
}
