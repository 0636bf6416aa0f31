import { describe, expect, it } from 'vitest';
import {
  bandwidthEstimate,
  chooseStartLevel,
  DEFAULT_ESTIMATE_BPS,
  masterVariants,
  rememberBandwidth,
} from './start-level.ts';

const LADDER = [
  { bitrate: 5_500_000, width: 1920, height: 1080 },
  { bitrate: 3_080_000, width: 1280, height: 720 },
  { bitrate: 1_320_000, width: 854, height: 480 },
];
const PHONE = { maxWidth: 1170, maxHeight: 2532 };

describe('start level', () => {
  it('starts with the best rendition at most half the measured bandwidth', () => {
    expect(chooseStartLevel(LADDER, { estimateBps: 9_000_000, ...PHONE })).toBe(1);
    expect(chooseStartLevel(LADDER, { estimateBps: 6_000_000, ...PHONE })).toBe(2);
  });

  it('never starts above the smallest rendition that covers the screen', () => {
    expect(chooseStartLevel(LADDER, { estimateBps: 50_000_000, ...PHONE })).toBe(1);
    expect(
      chooseStartLevel(LADDER, { estimateBps: 50_000_000, maxWidth: 2560, maxHeight: 1440 }),
    ).toBe(0);
  });

  it('starts with the lowest rendition when none is affordable, whatever the order', () => {
    expect(chooseStartLevel(LADDER, { estimateBps: 100_000, ...PHONE })).toBe(2);
    expect(chooseStartLevel([...LADDER].reverse(), { estimateBps: 100_000, ...PHONE })).toBe(0);
    expect(chooseStartLevel([], { estimateBps: 1e9, ...PHONE })).toBe(-1);
  });

  it('reads the renditions of a master playlist, URIs resolved against it', () => {
    const master = [
      '#EXTM3U',
      '#EXT-X-STREAM-INF:BANDWIDTH=759000,RESOLUTION=960x540,CODECS="avc1.4d401f,mp4a.40.2"',
      '/api/hls/v/540p/index.m3u8?sig=1',
      '#EXT-X-STREAM-INF:AVERAGE-BANDWIDTH=1,BANDWIDTH=443000,RESOLUTION=640x360',
      '',
      '360p/index.m3u8',
    ].join('\r\n');
    expect(masterVariants(master, 'http://video.test/api/hls/playlist?key=v')).toEqual([
      {
        bitrate: 759000,
        width: 960,
        height: 540,
        uri: 'http://video.test/api/hls/v/540p/index.m3u8?sig=1',
      },
      {
        bitrate: 443000,
        width: 640,
        height: 360,
        uri: 'http://video.test/api/hls/360p/index.m3u8',
      },
    ]);
  });

  it('estimates from the last playback, and falls back to a default', () => {
    const store = new Map<string, string>();
    const storage = {
      getItem: (key: string) => store.get(key) ?? null,
      setItem: (key: string, value: string) => void store.set(key, value),
    };
    expect(bandwidthEstimate(storage)).toBe(DEFAULT_ESTIMATE_BPS);
    rememberBandwidth(7_654_321.4, storage);
    expect(bandwidthEstimate(storage)).toBe(7_654_321);
    rememberBandwidth(Number.NaN, storage);
    expect(bandwidthEstimate(storage)).toBe(7_654_321);
  });
});
