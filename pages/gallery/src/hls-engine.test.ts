import type { LoaderContext } from 'hls.js';
import { describe, expect, it } from 'vitest';
import { classifyHlsError, prefetchingLoader } from './hls-engine.ts';
import type { Prefetched } from './video-prefetch.ts';

const network = (code: number | undefined, fatal: boolean, details = 'fragLoadError') => ({
  type: 'networkError',
  details,
  fatal,
  response: code === undefined ? undefined : { code },
});

describe('hls.js errors the player acts on', () => {
  it('treats 403 from storage (an expired presigned URL) as expired at once, fatal or not', () => {
    expect(classifyHlsError(network(403, false))).toBe('expired');
    expect(classifyHlsError(network(403, true))).toBe('expired');
  });

  it('treats 401/403 from the video worker (an expired token) as expired', () => {
    expect(classifyHlsError(network(401, true, 'manifestLoadError'))).toBe('expired');
    expect(classifyHlsError(network(403, false, 'levelLoadError'))).toBe('expired');
  });

  it('leaves other non-fatal network errors to hls.js retries', () => {
    expect(classifyHlsError(network(503, false))).toBeUndefined();
    expect(classifyHlsError(network(0, false))).toBeUndefined();
  });

  it('reloads after a fatal network error (e.g. a refused request without CORS headers)', () => {
    expect(classifyHlsError(network(0, true))).toBe('network');
    expect(classifyHlsError(network(undefined, true, 'fragLoadTimeOut'))).toBe('network');
  });

  it('reports a missing video as such, so the player does not retry it', () => {
    expect(classifyHlsError(network(404, true, 'manifestLoadError'))).toBe('not-found');
  });

  it('reports fatal media errors and ignores non-fatal ones', () => {
    expect(
      classifyHlsError({ type: 'mediaError', details: 'bufferStalledError', fatal: false }),
    ).toBe(undefined);
    expect(
      classifyHlsError({ type: 'mediaError', details: 'bufferAppendError', fatal: true }),
    ).toBe('media');
  });
});

describe('the loader that answers from what was fetched ahead', () => {
  type Call = { kind: 'network' | 'success'; url: string; data?: unknown; stats?: unknown };

  function setup(ahead: Record<string, Promise<Prefetched | undefined>>) {
    const calls: Call[] = [];
    class NetworkLoader {
      context: LoaderContext | null = null;
      stats = {
        aborted: false,
        loaded: 0,
        retry: 0,
        total: 0,
        chunkCount: 0,
        bwEstimate: 0,
        loading: { start: 0, first: 0, end: 0 },
        parsing: { start: 0, end: 0 },
        buffering: { start: 0, first: 0, end: 0 },
      };
      load(context: LoaderContext) {
        calls.push({ kind: 'network', url: context.url });
      }
      abort() {}
      destroy() {}
    }
    const Loader = prefetchingLoader(
      NetworkLoader as unknown as Parameters<typeof prefetchingLoader>[0],
      (url) => ahead[url],
    );
    const load = (url: string, responseType = 'arraybuffer', range?: number) => {
      const loader = new Loader({} as never);
      const context = {
        url,
        responseType,
        type: 'manifest',
        // As hls.js makes it: 0–0 for a whole file.
        ...(range === undefined
          ? { rangeStart: 0, rangeEnd: 0 }
          : { rangeStart: range, rangeEnd: range + 10 }),
      } as LoaderContext;
      loader.load(context, {} as never, {
        onSuccess: (response, stats) =>
          calls.push({ kind: 'success', url: response.url, data: response.data, stats }),
        onError: () => {},
        onTimeout: () => {},
      });
      return loader;
    };
    return { calls, load };
  }

  const bytes = (text: string) => new TextEncoder().encode(text).buffer as ArrayBuffer;
  const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

  it('answers a prefetched segment from memory with a copy of its bytes', async () => {
    const data = bytes('segment');
    const t = setup({
      'https://s/seg0.m4s': Promise.resolve({ data, timing: { start: 10, first: 20, end: 50 } }),
    });
    t.load('https://s/seg0.m4s');
    await settle();
    expect(t.calls).toHaveLength(1);
    const [call] = t.calls;
    expect(call).toMatchObject({ kind: 'success', url: 'https://s/seg0.m4s' });
    expect(new TextDecoder().decode(call!.data as ArrayBuffer)).toBe('segment');
    expect(call!.data).not.toBe(data);
  });

  it('hands hls.js the load durations as measured, ending now (no idle time read as a slow network)', async () => {
    const t = setup({
      'https://s/seg0.m4s': Promise.resolve({
        data: bytes('x'),
        timing: { start: 10, first: 20, end: 50 },
      }),
    });
    t.load('https://s/seg0.m4s');
    await settle();
    const { loading, loaded } = t.calls[0]!.stats as {
      loading: Record<string, number>;
      loaded: number;
    };
    expect(loading.first! - loading.start!).toBeCloseTo(10);
    expect(loading.end! - loading.start!).toBeCloseTo(40);
    expect(loading.end).toBeGreaterThan(50);
    expect(loaded).toBe(1);
  });

  it('gives playlists as text', async () => {
    const t = setup({
      'https://v/master': Promise.resolve({
        data: bytes('#EXTM3U'),
        timing: { start: 0, first: 0, end: 0 },
      }),
    });
    t.load('https://v/master', 'text');
    await settle();
    expect(t.calls[0]!.data).toBe('#EXTM3U');
  });

  it('loads from the network what was not fetched ahead, a failed prefetch, and byte ranges', async () => {
    const t = setup({
      'https://s/failed': Promise.resolve(undefined),
      'https://s/ranged': Promise.resolve({
        data: bytes('x'),
        timing: { start: 0, first: 0, end: 0 },
      }),
    });
    t.load('https://s/other');
    t.load('https://s/failed');
    t.load('https://s/ranged', 'arraybuffer', 0);
    await settle();
    expect(t.calls.map((c) => `${c.kind} ${c.url}`)).toEqual([
      'network https://s/other',
      'network https://s/ranged',
      'network https://s/failed',
    ]);
  });

  it('says nothing after an abort while the prefetch is still arriving', async () => {
    let arrive: (value: Prefetched) => void = () => {};
    const t = setup({ 'https://s/seg0.m4s': new Promise((resolve) => (arrive = resolve)) });
    const loader = t.load('https://s/seg0.m4s');
    loader.abort();
    arrive({ data: bytes('x'), timing: { start: 0, first: 0, end: 0 } });
    await settle();
    expect(t.calls).toEqual([]);
  });
});
