import { describe, expect, it } from 'vitest';
import { isLivePhotoPair, livePhotoCandidates, pairLivePhotos } from './live-photo.ts';
import { FORMATS, type SourceFile } from './scan.ts';

const file = (path: string): SourceFile => ({
  path: `/library/${path}`,
  name: path,
  size: 1,
  mtimeMs: 0,
  ...FORMATS[path.slice(path.lastIndexOf('.')).toLowerCase()]!,
});

describe('Live Photo pairing', () => {
  it('considers a still and a MOV of the same base name in the same folder, any case', () => {
    const files = [
      'IMG_0001.HEIC',
      'IMG_0001.MOV',
      'b/IMG_0002.jpg',
      'b/img_0002.mov',
      'c/IMG_0003.MOV',
      'IMG_0003.JPG',
      'x.png',
      'x.mov',
    ].map(file);
    expect(livePhotoCandidates(files).map((c) => [c.photo.name, c.motion.name])).toEqual([
      ['IMG_0001.HEIC', 'IMG_0001.MOV'],
      ['b/IMG_0002.jpg', 'b/img_0002.mov'],
    ]);
  });

  it("pairs by Apple's content identifier when both halves have one, whatever the times", () => {
    const id = 'A1B2C3D4-0000-4000-8000-000000000001';
    expect(
      isLivePhotoPair(
        { contentIdentifier: id, takenAt: '2024-06-01T12:00:00.000Z' },
        { contentIdentifier: id, takenAt: '2024-06-01T12:00:02.000Z' },
      ),
    ).toBe(true);
    expect(
      isLivePhotoPair(
        { contentIdentifier: id, takenAt: '2024-06-01T12:00:00.000Z' },
        { contentIdentifier: 'another', takenAt: '2024-06-01T12:00:00.000Z' },
      ),
    ).toBe(false);
  });

  it('else by the capture second', () => {
    const photo = { contentIdentifier: undefined, takenAt: '2024-06-01T12:00:07.250Z' };
    const at = (takenAt: string | undefined) => ({ contentIdentifier: 'x', takenAt });
    expect(isLivePhotoPair(photo, at('2024-06-01T12:00:07.900Z'))).toBe(true);
    expect(isLivePhotoPair(photo, at('2024-06-01T12:00:08.000Z'))).toBe(false);
    expect(isLivePhotoPair(photo, at(undefined))).toBe(false);
  });

  it('attaches the MOV to its still and leaves everything else, including unreadable halves, alone', async () => {
    const files = [
      'IMG_0001.HEIC',
      'IMG_0001.MOV',
      'IMG_0002.JPG',
      'IMG_0002.MOV',
      'IMG_0003.JPG',
      'IMG_0003.MOV',
    ].map(file);
    const second = (name: string) => ({
      contentIdentifier: undefined,
      takenAt: name.includes('0002') ? '2024-06-01T12:00:09.000Z' : '2024-06-01T12:00:00.000Z',
    });
    const { files: out, pairs } = await pairLivePhotos(files, {
      photo: async (f) => second(f.name),
      motion: async (f) => {
        if (f.name.includes('0003')) throw new Error('corrupt');
        return { ...second(f.name), takenAt: '2024-06-01T12:00:00.500Z' };
      },
    });
    expect(pairs).toBe(1);
    expect(out.map((f) => [f.name, f.motion?.name])).toEqual([
      ['IMG_0001.HEIC', 'IMG_0001.MOV'],
      ['IMG_0002.JPG', undefined],
      ['IMG_0002.MOV', undefined],
      ['IMG_0003.JPG', undefined],
      ['IMG_0003.MOV', undefined],
    ]);
  });
});
