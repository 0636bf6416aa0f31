import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { PlaybackToken } from './api.ts';
import {
  createVideoPrefetch,
  DWELL_MS,
  FEW_VIDEOS,
  KEPT_VIDEOS,
  startSegments,
  TOKEN_MARGIN_MS,
  type VideoPrefetch,
  watchVideoTiles,
} from './video-prefetch.ts';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const HOUR = 3600;

const VARIANT = [
  '#EXTM3U',
  '#EXT-X-TARGETDURATION:2',
  '#EXT-X-MAP:URI="https://s3.test/hls/v/360p/init.mp4?X-Amz-Signature=a"',
  '#EXTINF:2.0,',
  'https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b',
  '#EXTINF:2.0,',
  'https://s3.test/hls/v/360p/seg1.m4s?X-Amz-Signature=c',
].join('\n');

function setup({
  failTokens = 0,
  expiresIn = 4 * HOUR,
  maxAge = 600,
  failing = '',
  holdSegments = false,
} = {}) {
  let clock = 1_000_000_000_000;
  const tokenRequests: string[] = [];
  const fetched: string[] = [];
  /** Segments asked for and neither answered nor let go, by URL; `release` answers them. */
  const segmentsOnTheWay = new Map<string, () => void>();
  /** The most videos whose segments were on their way at the same time. */
  let mostVideosAtOnce = 0;
  const videoOf = (url: string) => new URL(url).pathname.split('/')[2];
  let engineLoads = 0;
  const prefetch = createVideoPrefetch({
    videoApiBase: 'http://video.test',
    now: () => clock,
    fetchToken: async (videoId): Promise<PlaybackToken> => {
      tokenRequests.push(videoId);
      if (tokenRequests.length <= failTokens) throw new Error('offline');
      return { query: `sig=${tokenRequests.length}`, expiresAt: clock / 1000 + expiresIn };
    },
    loadEngine: () => {
      engineLoads++;
    },
    startVariant: (text, url) => new URL(text.split('\n')[1]!, url).href,
    fetch: async (input, init) => {
      const url = String(input);
      fetched.push(url);
      if (failing !== '' && url.includes(failing)) return new Response('', { status: 403 });
      if (holdSegments && url.startsWith('https://s3.test/')) {
        await new Promise<void>((resolve, reject) => {
          segmentsOnTheWay.set(url, resolve);
          const videos = new Set([...segmentsOnTheWay.keys()].map(videoOf));
          mostVideosAtOnce = Math.max(mostVideosAtOnce, videos.size);
          init?.signal?.addEventListener('abort', () => reject(new DOMException('', 'AbortError')));
        }).finally(() => segmentsOnTheWay.delete(url));
      }
      const body = url.includes('playlist')
        ? `#EXTM3U\n/api/hls/${new URL(url).searchParams.get('key')}/360p/index.m3u8?sig=1`
        : url.endsWith('.m3u8?sig=1')
          ? VARIANT.replaceAll('/hls/v/', `/hls/${new URL(url).pathname.split('/')[3]}/`)
          : `bytes of ${new URL(url).pathname}`;
      return new Response(body, { headers: { 'Cache-Control': `private, max-age=${maxAge}` } });
    },
  });
  return {
    prefetch,
    tokenRequests,
    fetched,
    engineLoads: () => engineLoads,
    advance: (ms: number) => {
      clock += ms;
    },
    segmentsOnTheWay,
    mostVideosAtOnce: () => mostVideosAtOnce,
    release: () => {
      for (const answer of segmentsOnTheWay.values()) answer();
    },
  };
}

describe('video prefetch', () => {
  it('loads the engine and fetches the token once while a tile is on screen', async () => {
    const p = setup();
    p.prefetch.visible('v');
    p.prefetch.visible('v');
    await settle();
    expect(p.engineLoads()).toBe(2);
    expect(p.tokenRequests).toEqual(['v']);
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=1' });
    expect(p.tokenRequests).toEqual(['v']);
  });

  it('fetches a new token when the prefetched one is about to expire', async () => {
    const p = setup({ expiresIn: HOUR });
    p.prefetch.visible('v');
    await settle();
    p.advance(HOUR * 1000 - TOKEN_MARGIN_MS + 1);
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=2' });
  });

  it('never hands out the prefetched token for a renewal, and keeps the renewed one', async () => {
    const p = setup();
    p.prefetch.visible('v');
    await settle();
    expect(await p.prefetch.token('v', { renew: true })).toMatchObject({ query: 'sig=2' });
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=2' });
  });

  it('plays with the token the listing handed out, asking for none while it lasts', async () => {
    const p = setup();
    const now = 1_000_000_000;
    p.prefetch.listed('v', { query: 'sig=listed', expiresAt: now + HOUR });
    p.prefetch.visible('v');
    p.prefetch.intent('v');
    await settleAll();
    expect(p.tokenRequests).toEqual([]);
    expect(p.fetched[0]).toBe('http://video.test/api/hls/playlist?key=v&sig=listed');
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=listed' });
    // A renewal (the URLs were refused) still asks the viewer.
    expect(await p.prefetch.token('v', { renew: true })).toMatchObject({ query: 'sig=1' });
  });

  it('ignores a listed token about to expire, and one older than the token it has', async () => {
    const p = setup();
    const now = 1_000_000_000;
    p.prefetch.listed('v', { query: 'sig=late', expiresAt: now + TOKEN_MARGIN_MS / 1000 });
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=1' });
    // A tile made again from an older page does not replace the newer token.
    p.prefetch.listed('v', { query: 'sig=old', expiresAt: now + HOUR });
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=1' });
    p.prefetch.listed('v', { query: 'sig=new', expiresAt: now + 5 * HOUR });
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=new' });
    expect(p.tokenRequests).toEqual(['v']);
  });

  it('does not keep a failed token request: the tap asks again', async () => {
    const p = setup({ failTokens: 1 });
    p.prefetch.visible('v');
    await settle();
    expect(await p.prefetch.token('v')).toMatchObject({ query: 'sig=2' });
  });

  it('fetches the master and the start variant ahead of a tap, once', async () => {
    const p = setup();
    p.prefetch.intent('v');
    await settle();
    await settle();
    p.prefetch.intent('v');
    await settle();
    expect(p.fetched).toEqual([
      'http://video.test/api/hls/playlist?key=v&sig=1',
      'http://video.test/api/hls/v/360p/index.m3u8?sig=1',
    ]);
  });

  it('with media, fetches the init and first segment after the playlists, and hands each out by its URL', async () => {
    const p = setup();
    p.prefetch.intent('v', { media: true });
    await settleAll();
    expect(p.fetched).toEqual([
      'http://video.test/api/hls/playlist?key=v&sig=1',
      'http://video.test/api/hls/v/360p/index.m3u8?sig=1',
      'https://s3.test/hls/v/360p/init.mp4?X-Amz-Signature=a',
      'https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b',
    ]);
    expect(await text(p.prefetch, 'https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b')).toBe(
      'bytes of /hls/v/360p/seg0.m4s',
    );
    expect(await text(p.prefetch, 'http://video.test/api/hls/v/360p/index.m3u8?sig=1')).toBe(
      VARIANT,
    );
    expect(p.prefetch.prefetched('https://s3.test/hls/v/360p/seg1.m4s?X-Amz-Signature=c')).toBe(
      undefined,
    );
  });

  it('has asked for the segments by the time anyone handed the variant reads it', async () => {
    const p = setup();
    p.prefetch.intent('v', { media: true });
    const variant = 'http://video.test/api/hls/v/360p/index.m3u8?sig=1';
    let handed = p.prefetch.prefetched(variant);
    for (let i = 0; handed === undefined && i < 20; i++) {
      await settle();
      handed = p.prefetch.prefetched(variant);
    }
    await handed;
    expect(
      p.prefetch.prefetched('https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b'),
    ).toBeDefined();
  });

  it('adds the segments to playlists fetched ahead without media, fetching nothing twice', async () => {
    const p = setup();
    p.prefetch.intent('v');
    await settleAll();
    p.prefetch.intent('v', { media: true });
    p.prefetch.intent('v', { media: true });
    await settleAll();
    expect(p.fetched).toHaveLength(4);
  });

  it('hands nothing out once the playlists’ max-age (the life of their URLs) has passed', async () => {
    const p = setup({ maxAge: 30 });
    p.prefetch.intent('v', { media: true });
    await settleAll();
    const seg0 = 'https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b';
    expect(p.prefetch.prefetched(seg0)).toBeDefined();
    p.advance(30_000);
    expect(p.prefetch.prefetched(seg0)).toBeUndefined();
    p.prefetch.intent('v');
    await settleAll();
    expect(p.fetched.filter((url) => url.includes('playlist'))).toHaveLength(2);
  });

  it('resolves a failed fetch to nothing (the player loads it itself) and forgets it', async () => {
    const p = setup({ failing: 'seg0' });
    p.prefetch.intent('v', { media: true });
    const seg0 = 'https://s3.test/hls/v/360p/seg0.m4s?X-Amz-Signature=b';
    await settleAll();
    expect(p.prefetch.prefetched(seg0)).toBeUndefined();
    expect(await text(p.prefetch, 'https://s3.test/hls/v/360p/init.mp4?X-Amz-Signature=a')).toBe(
      'bytes of /hls/v/360p/init.mp4',
    );
  });

  it('fetches the start of one video at a time: the one wanted last, letting go of the other', async () => {
    const p = setup({ holdSegments: true });
    // Two videos resting on the first screen, wanted in the same instant.
    p.prefetch.intent('a', { media: true });
    p.prefetch.intent('b', { media: true });
    await settleAll();
    expect([...p.segmentsOnTheWay.keys()].map((url) => new URL(url).pathname)).toEqual([
      '/hls/b/360p/init.mp4',
      '/hls/b/360p/seg0.m4s',
    ]);
    expect(p.fetched.filter((url) => url.includes('/hls/a/') && !url.includes('.m3u8'))).toEqual(
      [],
    );
    // The guest touches the other one while b's are on their way: b's are let go.
    p.prefetch.intent('a', { media: true });
    await settleAll();
    expect(p.mostVideosAtOnce()).toBe(1);
    p.release();
    await settleAll();
    const start = (video: string) => `https://s3.test/hls/${video}/360p/seg0.m4s?X-Amz-Signature=b`;
    expect(await text(p.prefetch, start('a'))).toBe('bytes of /hls/a/360p/seg0.m4s');
    expect(p.prefetch.prefetched(start('b'))).toBeUndefined();
    // Wanted again, b fetches its start again; a's, arrived, stays.
    p.prefetch.intent('b', { media: true });
    await settleAll();
    p.release();
    await settleAll();
    expect(p.mostVideosAtOnce()).toBe(1);
    expect(await text(p.prefetch, start('b'))).toBe('bytes of /hls/b/360p/seg0.m4s');
    expect(await text(p.prefetch, start('a'))).toBe('bytes of /hls/a/360p/seg0.m4s');
  });

  it(`keeps the start of the ${KEPT_VIDEOS} videos wanted last`, async () => {
    const p = setup();
    const ids = Array.from({ length: KEPT_VIDEOS + 1 }, (_, i) => `v${i}`);
    for (const id of ids) {
      p.prefetch.intent(id, { media: true });
      await settleAll();
    }
    const master = (id: string) =>
      `http://video.test/api/hls/playlist?key=${id}&sig=${ids.indexOf(id) + 1}`;
    expect(p.prefetch.prefetched(master('v0'))).toBeUndefined();
    for (const id of ids.slice(1)) expect(p.prefetch.prefetched(master(id))).toBeDefined();
  });
});

describe('the start segments of a media playlist', () => {
  it('are the EXT-X-MAP init and the first segment, resolved against the playlist', () => {
    const text =
      '#EXTM3U\r\n#EXT-X-MAP:URI="init.mp4"\r\n#EXTINF:2,\r\nseg0.m4s?a=1\r\nseg1.m4s\r\n';
    expect(startSegments(text, 'https://w.test/hls/v/540p/index.m3u8?t=1')).toEqual({
      init: 'https://w.test/hls/v/540p/init.mp4',
      first: 'https://w.test/hls/v/540p/seg0.m4s?a=1',
    });
  });

  it('leave out byte ranges (fetched with a Range header) and an empty playlist', () => {
    expect(
      startSegments(
        '#EXTM3U\n#EXT-X-MAP:URI="all.mp4",BYTERANGE="800@0"\n#EXTINF:2,\n#EXT-X-BYTERANGE:9000@800\nall.mp4',
        'https://w.test/p.m3u8',
      ),
    ).toEqual({});
    expect(startSegments('#EXTM3U\n#EXT-X-ENDLIST', 'https://w.test/p.m3u8')).toEqual({});
  });
});

describe('watching video tiles', () => {
  class FakeObserver {
    static last: FakeObserver;
    targets = new Set<Element>();
    constructor(
      readonly callback: (entries: { target: Element; isIntersecting: boolean }[]) => void,
    ) {
      FakeObserver.last = this;
    }
    observe(target: Element) {
      this.targets.add(target);
    }
    unobserve(target: Element) {
      this.targets.delete(target);
    }
    disconnect() {}
    show(targets: Element[], isIntersecting = true) {
      this.callback(targets.map((target) => ({ target, isIntersecting })));
    }
  }

  function watch(options: { saveData?: boolean; covered?: boolean } = {}) {
    const page = new EventTarget();
    /** Each tile's distance from the middle of the screen; tile a is nearest at first. */
    const distances = new Map<unknown, number>();
    const intents: string[] = [];
    const prefetch: VideoPrefetch = {
      listed() {},
      visible() {},
      intent: (videoId, { media } = { media: false }) =>
        intents.push(`${videoId}${media ? '+media' : ''}`),
      token: () => Promise.reject(new Error('unused')),
      prefetched: () => undefined,
    };
    globalThis.IntersectionObserver = FakeObserver as unknown as typeof IntersectionObserver;
    const watcher = watchVideoTiles(prefetch, {
      covered: () => options.covered === true,
      saveData: () => options.saveData === true,
      scrolling: page,
      distanceFromMiddle: (tile) => distances.get(tile)!,
    });
    const tiles = ['a', 'b', 'c'].map((id, index) => {
      const tile = Object.assign(new EventTarget(), {
        isConnected: true,
      }) as unknown as HTMLElement;
      distances.set(tile, 100 * (index + 1));
      watcher.watch(tile, id);
      return tile;
    });
    return {
      intents,
      tiles,
      /** Tile `index` is this far from the middle now. */
      place: (index: number, distance: number) => distances.set(tiles[index], distance),
      observer: FakeObserver.last,
      dwell: () => vi.advanceTimersByTime(DWELL_MS),
      scroll: () => page.dispatchEvent(new Event('scroll')),
    };
  }

  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('fetches the first segment of a touched tile at once', () => {
    const w = watch();
    w.tiles[0]!.dispatchEvent(new Event('pointerdown'));
    w.tiles[1]!.dispatchEvent(new Event('pointerenter'));
    expect(w.intents).toEqual(['a+media', 'b']);
  });

  it(`fetches segments ahead for the resting tile nearest the middle only, among at most ${FEW_VIDEOS} videos on screen`, () => {
    const few = watch();
    few.place(0, 300);
    few.observer.show(few.tiles.slice(0, FEW_VIDEOS));
    few.dwell();
    expect(few.intents).toEqual(['a', 'b+media']);

    const many = watch();
    many.observer.show(many.tiles);
    many.dwell();
    expect(many.intents).toEqual(['a', 'b', 'c']);
  });

  it('moves the head start to the tile resting nearest the middle after a scroll, or to the one touched', () => {
    const w = watch();
    w.observer.show(w.tiles.slice(0, 2));
    w.dwell();
    expect(w.intents).toEqual(['b', 'a+media']);
    // A small scroll that leaves both on screen, b now nearer the middle.
    w.place(1, 10);
    w.scroll();
    w.dwell();
    expect(w.intents).toEqual(['b', 'a+media', 'b+media']);
    // A still page asks for nothing more; a touch takes the head start at once.
    w.scroll();
    w.dwell();
    w.tiles[0]!.dispatchEvent(new Event('pointerdown'));
    expect(w.intents).toEqual(['b', 'a+media', 'b+media', 'a+media']);
  });

  it('takes a tile shown on a still page (the first screen) as resting at once', () => {
    const w = watch();
    w.observer.show([w.tiles[0]!]);
    vi.advanceTimersByTime(0);
    expect(w.intents).toEqual(['a+media']);
  });

  it('waits for the page to stop scrolling: a tile a fling carries past is no intent', () => {
    const w = watch();
    w.scroll();
    w.observer.show([w.tiles[0]!]);
    for (let i = 0; i < 10; i++) {
      vi.advanceTimersByTime(DWELL_MS - 1);
      w.scroll();
    }
    w.observer.show([w.tiles[0]!], false);
    w.dwell();
    expect(w.intents).toEqual([]);

    w.observer.show([w.tiles[1]!]);
    w.scroll();
    vi.advanceTimersByTime(DWELL_MS - 1);
    expect(w.intents).toEqual([]);
    vi.advanceTimersByTime(1);
    expect(w.intents).toEqual(['b+media']);
  });

  it('fetches only playlists for a resting tile under Save-Data, and nothing under the open lightbox', () => {
    const saving = watch({ saveData: true });
    saving.observer.show([saving.tiles[0]!]);
    saving.dwell();
    expect(saving.intents).toEqual(['a']);

    const covered = watch({ covered: true });
    covered.observer.show([covered.tiles[0]!]);
    covered.dwell();
    expect(covered.intents).toEqual([]);
  });
});

async function text(prefetch: VideoPrefetch, url: string): Promise<string | undefined> {
  const found = await prefetch.prefetched(url);
  return found && new TextDecoder().decode(found.data);
}

async function settleAll() {
  for (let i = 0; i < 10; i++) await settle();
}
