import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { exifTakenAt } from './exif-date.ts';

describe('EXIF date taken', () => {
  const tz = process.env.TZ;
  beforeEach(() => {
    process.env.TZ = 'UTC';
  });
  afterEach(() => {
    process.env.TZ = tz;
  });

  it('applies OffsetTimeOriginal (EXIF 2.31) to get UTC', () => {
    expect(
      exifTakenAt({ DateTimeOriginal: '2024:06:01 14:03:07', OffsetTimeOriginal: '+02:00' }),
    ).toBe('2024-06-01T12:03:07.000Z');
    expect(
      exifTakenAt({ DateTimeOriginal: '2024:06:01 14:03:07', OffsetTimeOriginal: '-0530' }),
    ).toBe('2024-06-01T19:33:07.000Z');
  });

  it('adds sub-second digits', () => {
    expect(exifTakenAt({ DateTimeOriginal: '2024:06:01 14:03:07', SubSecTimeOriginal: '25' })).toBe(
      '2024-06-01T14:03:07.250Z',
    );
  });

  it('reads a date without offset as local time of the importing machine', () => {
    process.env.TZ = 'Europe/Berlin';
    expect(exifTakenAt({ DateTimeOriginal: '2024:06:01 14:03:07' })).toBe(
      '2024-06-01T12:03:07.000Z',
    );
  });

  it('falls back from DateTimeOriginal to DateTimeDigitized to DateTime', () => {
    expect(
      exifTakenAt({ DateTimeDigitized: '2020:01:02 03:04:05', DateTime: '2021:01:01 00:00:00' }),
    ).toBe('2020-01-02T03:04:05.000Z');
    expect(exifTakenAt({ DateTime: '2021:01:01 00:00:00', OffsetTime: '+01:00' })).toBe(
      '2020-12-31T23:00:00.000Z',
    );
  });

  it("skips the cameras' all-zero 'unknown' date and junk", () => {
    expect(
      exifTakenAt({
        DateTimeOriginal: '0000:00:00 00:00:00',
        DateTimeDigitized: '2019:05:05 05:05:05',
      }),
    ).toBe('2019-05-05T05:05:05.000Z');
    expect(exifTakenAt({ DateTimeOriginal: 'yesterday' })).toBeUndefined();
    expect(exifTakenAt({})).toBeUndefined();
  });
});
