import { describe, expect, it } from 'vitest';
import type { PlaybackToken } from './api.ts';
import {
  type EngineEvents,
  EngineUnavailableError,
  MAX_RECOVERIES,
  type PlaybackEngine,
  type PlayerState,
  playlistUrl,
  RECOVERY_WINDOW_MS,
  startPlayback,
} from './player.ts';

/** Lets queued promise callbacks (token fetch, engine creation) run. */
const settle = () => new Promise<void>((resolve) => setTimeout(resolve, 0));

type Load = { src: string; startAt: number; autoplay: boolean };

function setup(options: { tokens?: (PlaybackToken | Error)[]; engine?: Error } = {}) {
  const media = { currentTime: 0, paused: true };
  const loads: Load[] = [];
  const states: PlayerState[] = [];
  let tokenRequests = 0;
  const renewals: boolean[] = [];
  let engines = 0;
  let destroyed = 0;
  let events: EngineEvents | undefined;
  let clock = 1_000_000;
  const tokens = options.tokens ?? [];

  const player = startPlayback({
    videoId: 'vid 1',
    videoApiBase: 'http://video.test/',
    media,
    now: () => clock,
    fetchToken: async (_videoId, { renew }) => {
      renewals.push(renew);
      const next = tokens[tokenRequests] ?? { query: `sig=t${tokenRequests + 1}`, expiresAt: 0 };
      tokenRequests++;
      if (next instanceof Error) throw next;
      return next;
    },
    createEngine: async (engineEvents) => {
      if (options.engine) throw options.engine;
      engines++;
      events = engineEvents;
      const engine: PlaybackEngine = {
        load: (src, at) => {
          loads.push({ src, ...at });
          // Loading a source resets the element until data arrives.
          media.currentTime = 0;
          media.paused = true;
        },
        destroy: () => {
          destroyed++;
        },
      };
      return engine;
    },
    onState: (state) => states.push(state),
  });

  /** The engine delivered data: the element is at the start position, playing if asked to. */
  const loaded = () => {
    const last = loads.at(-1)!;
    media.currentTime = last.startAt;
    media.paused = !last.autoplay;
    events!.onLoaded();
  };
  const error = (kind: Parameters<EngineEvents['onError']>[0]) => events!.onError(kind, 'test');

  return {
    player,
    media,
    loads,
    states,
    loaded,
    error,
    tokenRequests: () => tokenRequests,
    renewals,
    engines: () => engines,
    destroyed: () => destroyed,
    advance: (ms: number) => {
      clock += ms;
    },
  };
}

describe('playlist URL', () => {
  it('is the video worker master playlist with the key and the token query', () => {
    expect(playlistUrl('https://video.example', 'abc', 'scope=hls%2Fabc%2F&exp=1&sig=x')).toBe(
      'https://video.example/api/hls/playlist?key=abc&scope=hls%2Fabc%2F&exp=1&sig=x',
    );
  });

  it('tolerates a trailing slash on the base and a leading ? on the query', () => {
    expect(playlistUrl('http://localhost:8788/', 'a b', '?sig=x')).toBe(
      'http://localhost:8788/api/hls/playlist?key=a%20b&sig=x',
    );
  });
});

describe('player', () => {
  it('fetches a playback token, then plays the playlist from the start', async () => {
    const p = setup();
    await settle();
    expect(p.tokenRequests()).toBe(1);
    expect(p.loads).toEqual([
      { src: 'http://video.test/api/hls/playlist?key=vid%201&sig=t1', startAt: 0, autoplay: true },
    ]);
    expect(p.player.state).toEqual({ status: 'loading' });
    p.loaded();
    expect(p.player.state).toEqual({ status: 'playing' });
  });

  describe('when URLs expire', () => {
    it('fetches a fresh token and resumes at the same position, still playing', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.media.currentTime = 42.5;
      p.error('expired');
      expect(p.player.state).toEqual({ status: 'recovering' });
      await settle();
      expect(p.tokenRequests()).toBe(2);
      expect(p.loads.at(-1)).toEqual({
        src: 'http://video.test/api/hls/playlist?key=vid%201&sig=t2',
        startAt: 42.5,
        autoplay: true,
      });
      p.loaded();
      expect(p.media).toEqual({ currentTime: 42.5, paused: false });
      expect(p.player.state).toEqual({ status: 'playing' });
    });

    it('may start with a token fetched ahead, but renews after a refusal, never reusing it', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.error('expired');
      await settle();
      expect(p.renewals).toEqual([false, true]);
    });

    it('keeps a paused video paused', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.media.currentTime = 10;
      p.media.paused = true;
      p.error('expired');
      await settle();
      expect(p.loads.at(-1)).toMatchObject({ startAt: 10, autoplay: false });
    });

    it('reuses the engine (one <video>, one hls.js chunk) for the reload', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.error('expired');
      await settle();
      expect(p.engines()).toBe(1);
      expect(p.destroyed()).toBe(0);
    });

    it('refreshes once for a burst of failing requests', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.error('expired');
      p.error('expired');
      p.error('network');
      await settle();
      expect(p.tokenRequests()).toBe(2);
      expect(p.loads).toHaveLength(2);
    });

    it('remembers the position when the reload fails before it played', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.media.currentTime = 30;
      p.error('expired');
      await settle();
      // The element was reset to 0 by the reload; the guest was at 30 s.
      p.error('expired');
      await settle();
      expect(p.loads.map((l) => l.startAt)).toEqual([0, 30, 30]);
    });

    it('also reloads after a network failure the engine gave up on', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.media.currentTime = 5;
      p.error('network');
      await settle();
      expect(p.loads.at(-1)).toMatchObject({ startAt: 5 });
    });
  });

  describe('giving up', () => {
    it(`stops after ${MAX_RECOVERIES} reloads within a minute instead of looping`, async () => {
      const p = setup();
      await settle();
      for (let i = 0; i < MAX_RECOVERIES; i++) {
        p.error('expired');
        await settle();
      }
      expect(p.loads).toHaveLength(1 + MAX_RECOVERIES);
      p.error('expired');
      await settle();
      expect(p.loads).toHaveLength(1 + MAX_RECOVERIES);
      expect(p.player.state).toEqual({ status: 'failed', reason: 'network' });
    });

    it('allows new reloads once the window has passed', async () => {
      const p = setup();
      await settle();
      for (let i = 0; i < MAX_RECOVERIES; i++) {
        p.error('expired');
        await settle();
      }
      p.advance(RECOVERY_WINDOW_MS);
      p.error('expired');
      await settle();
      expect(p.loads).toHaveLength(2 + MAX_RECOVERIES);
      expect(p.player.state.status).toBe('recovering');
    });

    it('fails without reloading for a missing video or a decode error', async () => {
      for (const kind of ['not-found', 'media'] as const) {
        const p = setup();
        await settle();
        p.error(kind);
        await settle();
        expect(p.loads).toHaveLength(1);
        expect(p.player.state).toEqual({ status: 'failed', reason: kind });
        expect(p.destroyed()).toBe(1);
      }
    });

    it('fails when the viewer gives no token', async () => {
      const p = setup({ tokens: [new Error('offline')] });
      await settle();
      expect(p.loads).toHaveLength(0);
      expect(p.player.state).toEqual({ status: 'failed', reason: 'token' });
    });

    it('says so when the browser cannot play HLS at all', async () => {
      const p = setup({ engine: new EngineUnavailableError() });
      await settle();
      expect(p.player.state).toEqual({ status: 'failed', reason: 'unsupported' });
    });

    it('retry starts again where the guest was', async () => {
      const p = setup();
      await settle();
      p.loaded();
      p.media.currentTime = 12;
      p.error('media');
      p.player.retry();
      await settle();
      expect(p.player.state).toEqual({ status: 'loading' });
      expect(p.loads.at(-1)).toMatchObject({ startAt: 12, autoplay: true });
      expect(p.engines()).toBe(2);
    });
  });

  it('does nothing after it was closed, even when a token arrives late', async () => {
    const p = setup();
    p.player.destroy();
    await settle();
    expect(p.loads).toHaveLength(0);
    expect(p.destroyed()).toBe(1);
  });
});
