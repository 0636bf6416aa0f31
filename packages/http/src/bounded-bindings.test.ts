import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import {
  BindingUnavailable,
  bindingFailure,
  bindingUnavailableResponse,
  boundBindings,
  withinDeadline,
} from './bounded-bindings.ts';
import { serveObject } from './serve-object.ts';

const BOUND = { reason: 'storage-unavailable', timeoutMs: 50 };
const never = () => new Promise<never>(() => {});

/** A stand-in binding whose every call hangs (or throws), like R2, KV or D1 in an incident. */
function broken(mode: 'hang' | 'throw'): R2Bucket {
  return new Proxy({} as R2Bucket, {
    get: () => () =>
      mode === 'hang' ? never() : Promise.reject(new Error('simulated outage 10001')),
  });
}

/** What `work` rejected with, as the binding failure it stands for. */
async function rejection(work: Promise<unknown>): Promise<BindingUnavailable> {
  try {
    await work;
  } catch (error) {
    const failure = bindingFailure(error);
    expect(failure).toBeInstanceOf(BindingUnavailable);
    return failure!;
  }
  throw new Error('expected a rejection');
}

describe('withinDeadline', () => {
  it('settles like the work when it answers in time', async () => {
    expect(await withinDeadline(Promise.resolve(42), 'KV', BOUND)).toBe(42);
  });

  it('rejects a call that never answers with a timeout naming the binding', async () => {
    const error = await rejection(withinDeadline(never(), 'MEDIA', BOUND));
    expect(error).toMatchObject({
      binding: 'MEDIA',
      reason: 'storage-unavailable',
      kind: 'timeout',
    });
  });

  it("passes a failing call's own error on, recorded as the binding's failure", async () => {
    const cause = new Error('boom');
    await expect(withinDeadline(Promise.reject(cause), 'DB', BOUND)).rejects.toBe(cause);
    expect(bindingFailure(cause)).toMatchObject({ binding: 'DB', kind: 'error', cause });
    expect(bindingFailure(new Error('not from a binding'))).toBeUndefined();
  });
});

describe('boundBindings', () => {
  it('bounds every call of the named bindings, and leaves the rest of env alone', async () => {
    const source = { MEDIA: broken('hang'), OTHER: broken('hang'), NAME: 'x' };
    const bounded = boundBindings(source, { MEDIA: BOUND });
    expect(bounded.NAME).toBe('x');
    expect(bounded.OTHER).toBe(source.OTHER);
    for (const call of [
      () => bounded.MEDIA.get('k'),
      () => bounded.MEDIA.head('k'),
      () => bounded.MEDIA.list(),
    ]) {
      expect((await rejection(call())).kind).toBe('timeout');
    }
    const thrown = await rejection(
      boundBindings({ MEDIA: broken('throw') }, { MEDIA: BOUND }).MEDIA.get('k'),
    );
    expect(thrown.kind).toBe('error');
  });

  it('is the same object for the same env, and the same binding proxy for the same binding', () => {
    const source = { MEDIA: env.MEDIA };
    expect(boundBindings(source, { MEDIA: BOUND })).toBe(boundBindings(source, { MEDIA: BOUND }));
    // Memos keyed by a binding object keep working across env objects (tests copy env).
    const other = { MEDIA: env.MEDIA, EXTRA: 'x' };
    expect(boundBindings(other, { MEDIA: BOUND }).MEDIA).toBe(
      boundBindings(source, { MEDIA: BOUND }).MEDIA,
    );
  });

  it('passes the real binding through untouched when it answers', async () => {
    await env.MEDIA.put('bounded/a.txt', 'hello');
    const { MEDIA } = boundBindings(
      { MEDIA: env.MEDIA },
      { MEDIA: { ...BOUND, timeoutMs: 10_000 } },
    );
    const object = await MEDIA.get('bounded/a.txt');
    expect(await object?.text()).toBe('hello');
    const response = await serveObject(
      new Request('https://x/a', { headers: { Range: 'bytes=1-2' } }),
      MEDIA,
      'bounded/a.txt',
    );
    expect(response.status).toBe(206);
    expect(await response.text()).toBe('el');
  });

  it('bounds D1-style statements made by prepare and bind, and unwraps them for batch', async () => {
    const seen: unknown[] = [];
    const statement = {
      bind: () => statement,
      first: never,
      all: () => Promise.resolve({ results: [] }),
    };
    const db = {
      prepare: () => statement,
      batch: (list: unknown[]) => {
        seen.push(...list);
        return Promise.resolve([]);
      },
    };
    const { DB } = boundBindings(
      { DB: db },
      { DB: { reason: 'database-unavailable', timeoutMs: 50 } },
    );
    const prepared = DB.prepare().bind();
    expect((await rejection(prepared.first())).reason).toBe('database-unavailable');
    expect(await prepared.all()).toEqual({ results: [] });
    await DB.batch([prepared]);
    expect(seen).toEqual([statement]);
  });

  it('serveObject over a hanging or failing bucket ends in BindingUnavailable, never a half answer', async () => {
    for (const mode of ['hang', 'throw'] as const) {
      const { MEDIA } = boundBindings({ MEDIA: broken(mode) }, { MEDIA: BOUND });
      for (const headers of [{}, { Range: 'bytes=0-1' }, { 'If-None-Match': '"x"' }]) {
        const request = new Request('https://x/a', { headers });
        expect((await rejection(serveObject(request, MEDIA, 'a.jpg'))).kind).toBe(
          mode === 'hang' ? 'timeout' : 'error',
        );
      }
    }
  });
});

describe('bindingUnavailableResponse', () => {
  it('is a 503 with Retry-After, a JSON reason and no-store', async () => {
    const response = bindingUnavailableResponse(
      new BindingUnavailable('KV', 'kv-unavailable', 'timeout'),
    );
    expect(response.status).toBe(503);
    expect(response.headers.get('Retry-After')).toBe('1');
    expect(response.headers.get('Cache-Control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: 'kv-unavailable' });
  });
});
