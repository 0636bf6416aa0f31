import { describe, expect, it } from 'vitest';
import { cueAt, parseStoryboard, storyboardUrl } from './storyboard.ts';

const INDEX = 'http://video.test/api/hls/demo-clip/storyboard.vtt?scope=hls%2Fdemo-clip%2F&sig=abc';
const VTT = [
  '\uFEFFWEBVTT',
  '',
  '00:00:00.000 --> 00:00:01.000',
  'storyboard.jpg#xywh=0,0,160,90',
  '',
  'cue-2',
  '00:00:01.000 --> 00:00:02.000 align:start',
  'storyboard.jpg#xywh=160,0,160,90',
  '',
  '01:00:02.500 --> 01:00:04.000',
  'https://cdn.example.com/sprite.jpg?x=1#xywh=320,90,160,90',
  '',
  '00:00:05.000 --> 00:00:06.000',
  'a note without a tile',
  '',
].join('\r\n');

describe('storyboard index', () => {
  it('is fetched from the video worker with the token, like the playlists', () => {
    expect(storyboardUrl('http://video.test/', 'demo clip', '?sig=abc')).toBe(
      'http://video.test/api/hls/demo%20clip/storyboard.vtt?sig=abc',
    );
  });

  it('reads each cue: times, and the sprite tile its media fragment names', () => {
    const cues = parseStoryboard(VTT, INDEX);
    expect(cues).toHaveLength(3);
    expect(cues[1]).toEqual({
      start: 1,
      end: 2,
      url: 'http://video.test/api/hls/demo-clip/storyboard.jpg?scope=hls%2Fdemo-clip%2F&sig=abc',
      x: 160,
      y: 0,
      width: 160,
      height: 90,
    });
    expect(cues[2]).toMatchObject({ start: 3602.5, end: 3604, x: 320, y: 90 });
  });

  it('gives a relative sprite the token of the index, and leaves other URLs as they are', () => {
    const [first, , other] = parseStoryboard(VTT, INDEX);
    expect(new URL(first!.url).searchParams.get('sig')).toBe('abc');
    expect(other!.url).toBe('https://cdn.example.com/sprite.jpg?x=1');
  });

  it('finds the cue of a time: the last one starting at or before it', () => {
    const cues = parseStoryboard(VTT, INDEX);
    expect(cueAt(cues, 0)?.x).toBe(0);
    expect(cueAt(cues, 0.999)?.x).toBe(0);
    expect(cueAt(cues, 1)?.x).toBe(160);
    expect(cueAt(cues, 2.9)?.x).toBe(160);
    expect(cueAt(cues, 99_999)?.x).toBe(320);
    expect(cueAt([], 3)).toBeUndefined();
  });
});
