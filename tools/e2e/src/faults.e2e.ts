import type { MediaPage } from '@edge-gallery/viewer/media-item';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { admin, demo, secrets, urls } from './context.ts';
import { faultSwitchArmed, setFaults } from './load-bench.ts';

// The short version of `pnpm bench`'s fault run: R2 and KV made to throw through the local
// fault switch (run.ts starts the stack with it armed), one request of each kind that must
// reach them, then the switch off and the same requests answered as before. Answers only,
// no timing: the hang mode and the load are the bench's.

const armed = await faultSwitchArmed();
const cookie = () => inject('cookie');
const thumbnailKey = demo.rows.find((row) => row.kind === 'image')!.thumbnail_key;

type Ask = { name: string; ask: () => Promise<Response>; healthy: number; reasons: string[] };

let presignedThumbnail: string;
beforeAll(async () => {
  if (!armed) return;
  const page = (await (
    await fetch(`${urls.viewer}/api/media?limit=1`, { headers: { Cookie: cookie() } })
  ).json()) as MediaPage;
  presignedThumbnail = page.items[0]!.thumbnailUrl;
});
afterAll(async () => {
  if (armed) await setFaults('off');
});

const asks: Ask[] = [
  {
    name: 'a login (reads auth_version from KV)',
    ask: () =>
      fetch(`${urls.viewer}/login`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', Origin: urls.spa },
        body: JSON.stringify({ password: secrets.password }),
      }),
    healthy: 200,
    reasons: ['kv-unavailable'],
  },
  {
    name: "a worker-served thumbnail (the viewer's fallback path, from R2)",
    ask: () =>
      fetch(`${urls.viewer}/api/thumbnail/${thumbnailKey}`, { headers: { Cookie: cookie() } }),
    healthy: 200,
    // The session check may find the versions memo stale and read KV first.
    reasons: ['storage-unavailable', 'kv-unavailable'],
  },
  {
    name: "the video worker's live config (admin API, from KV)",
    ask: () => admin('/admin/config'),
    healthy: 200,
    reasons: ['config-unavailable'],
  },
];

describe.skipIf(!armed)('R2 and KV failing (the local fault switch)', () => {
  it.each(asks)('$name: 503 with Retry-After and a JSON reason, never cached', async (each) => {
    await setFaults('throw');
    const failed = await each.ask();
    expect(failed.status).toBe(503);
    expect(failed.headers.get('Retry-After')).toBe('1');
    expect(failed.headers.get('Cache-Control')).toBe('no-store');
    expect(each.reasons).toContain(((await failed.json()) as { error: string }).error);

    await setFaults('off');
    const after = await each.ask();
    expect(after.status).toBe(each.healthy);
    await after.body?.cancel();
  });

  it("a presigned thumbnail from storage: R2's own 500 InternalError, then the image", async () => {
    await setFaults('throw');
    const failed = await fetch(presignedThumbnail);
    expect(failed.status).toBe(500);
    expect(await failed.text()).toContain('<Code>InternalError</Code>');

    await setFaults('off');
    const after = await fetch(presignedThumbnail);
    expect(after.status).toBe(200);
    expect(after.headers.get('Content-Type')).toMatch(/^image\//);
    await after.body?.cancel();
  });
});
