// The worker under test: a fresh isolate on a test clock, as a visitor's requests reach it.
import { createExecutionContext, waitOnExecutionContext } from 'cloudflare:test';
import { env } from 'cloudflare:workers';
import type { Isolate } from '../src/visit.ts';
import { createWorker, type WorkerOptions } from '../src/worker.ts';

/** 2030-01-01T00:00:00Z: tests run on a fixed clock, aligned to every playlist window. */
export const T0 = Date.UTC(2030, 0, 1);

export type TestWorker = {
  clock: { now: number };
  isolate: Isolate;
  fetch(path: string, init?: RequestInit): Promise<Response>;
  /** Like fetch, and also waits for the background work (cache writes) of the request. */
  settle(path: string, init?: RequestInit): Promise<Response>;
};

/** A fresh isolate of the worker (own memory caches and config memo) on a test clock. */
export function testWorker(
  options: WorkerOptions & { start?: number; env?: Env } = {},
): TestWorker {
  const clock = { now: options.start ?? T0 };
  const worker = createWorker({ ...options, now: () => clock.now });
  const run = async (path: string, init: RequestInit | undefined, wait: boolean) => {
    const ctx = createExecutionContext();
    const response = await worker.fetch(
      new Request(new URL(path, 'https://video.test'), init),
      options.env ?? env,
      ctx,
    );
    if (wait) await waitOnExecutionContext(ctx);
    return response;
  };
  return {
    clock,
    isolate: worker.isolate,
    fetch: (path, init) => run(path, init, false),
    settle: (path, init) => run(path, init, true),
  };
}

/** A body as text (Response.text() warns about the HLS media type inside workerd). */
export async function textOf(response: Response): Promise<string> {
  return new TextDecoder().decode(await response.arrayBuffer());
}
