import { describe, expect, it } from 'vitest';
import type { PlaybackToken } from './api.ts';
import { createVideoPrefetch, TOKEN_MARGIN_MS } from './video-prefetch.ts';

const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));
const HOUR = 3600;

function setup({ failTokens = 0, expiresIn = 4 * HOUR } = {}) {
  let clock = 1_000_000_000_000;
  const tokenRequests: string[] = [];
  const fetched: string[] = [];
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
    fetch: async (input) => {
      const url = String(input);
      fetched.push(url);
      return new Response(
        url.includes('playlist') ? '#EXTM3U\n/api/hls/v/360p/index.m3u8?sig=1' : '#EXTM3U',
      );
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
});
