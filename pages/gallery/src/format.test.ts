import { describe, expect, it } from 'vitest';
import {
  dayKey,
  describeItem,
  formatDay,
  formatDuration,
  formatMonth,
  formatTakenAt,
  monthKey,
  spokenDuration,
} from './format.ts';

describe('durations', () => {
  it.each([
    [0, '0:00'],
    [9.4, '0:09'],
    [83, '1:23'],
    [600, '10:00'],
    [3723, '1:02:03'],
  ])('shows %s s as %s', (seconds, shown) => {
    expect(formatDuration(seconds)).toBe(shown);
  });

  it.each([
    [1, '1 second'],
    [83, '1 minute 23 seconds'],
    [3600, '1 hour'],
    [7261, '2 hours 1 minute 1 second'],
    [0, '0 seconds'],
  ])('reads %s s as "%s"', (seconds, spoken) => {
    expect(spokenDuration(seconds)).toBe(spoken);
  });
});

describe('dates', () => {
  it('shows the day in the given language', () => {
    expect(formatTakenAt('2026-06-01T12:00:00Z', 'en-GB')).toBe('1 June 2026');
  });

  it('shows nothing for a missing or broken date', () => {
    expect(formatTakenAt('', 'en-GB')).toBe('');
    expect(formatTakenAt('yesterday', 'en-GB')).toBe('');
  });
});

describe('item descriptions (alt text)', () => {
  it('uses the title', () => {
    expect(describeItem({ kind: 'image', title: ' Cake ', takenAt: '' })).toBe('Cake');
  });

  it('says what and when without a title', () => {
    expect(
      describeItem({ kind: 'video', title: '', takenAt: '2026-06-01T12:00:00Z' }, 'en-GB'),
    ).toBe('Video from 1 June 2026');
    expect(describeItem({ kind: 'image', title: '', takenAt: '' })).toBe('Photo');
  });
});

describe('days', () => {
  it('groups by the day in the guest’s time zone and names it with its weekday', () => {
    const key = dayKey('2026-06-13T12:00:00.000Z');
    expect(key).toMatch(/^2026-06-1[234]$/);
    expect(formatDay('2026-06-13', 'en-GB')).toMatch(/^Saturday,? 13 June 2026$/);
    expect(dayKey('')).toBe('');
    expect(dayKey('not a date')).toBe('');
    expect(formatDay('')).toBe('Undated');
  });

  it('gives a day key whose first seven characters are its month key', () => {
    const iso = '2026-01-31T23:30:00.000Z';
    expect(dayKey(iso).slice(0, 7)).toBe(monthKey(iso));
  });
});

describe('months', () => {
  it('groups by the month in the guest’s time zone and names it', () => {
    const key = monthKey('2026-06-13T09:00:00.000Z');
    expect(key).toMatch(/^2026-0[56]$/);
    expect(formatMonth('2026-06', 'en-GB')).toBe('June 2026');
    expect(monthKey('')).toBe('');
    expect(monthKey('not a date')).toBe('');
    expect(formatMonth('')).toBe('Undated');
  });
});
