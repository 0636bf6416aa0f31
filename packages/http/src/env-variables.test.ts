import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { EnvError, parseEnv } from './env.ts';
import { AllowedOrigins, CommaList, PlaybackKeys, secret, wholeNumber } from './env-variables.ts';

/** The parsed value of one variable, or the message parseEnv gives for it. */
function parse(field: z.ZodMiniType, value: unknown): unknown {
  try {
    return parseEnv(z.object({ VARIABLE: field }), { VARIABLE: value }).VARIABLE;
  } catch (error) {
    if (error instanceof EnvError) return error.message;
    throw error;
  }
}

describe('env field parsers', () => {
  it('ALLOWED_ORIGINS: exact origins, trimmed, empty items dropped; absent or empty: none', () => {
    expect(parse(AllowedOrigins, ' https://a.example , http://localhost:5173,,')).toEqual([
      'https://a.example',
      'http://localhost:5173',
    ]);
    expect(parse(AllowedOrigins, undefined)).toEqual([]);
    expect(parse(AllowedOrigins, '')).toEqual([]);
  });

  it.each(['https://a.example/app', 'https://a.example/', 'localhost', 'https://a.example,*'])(
    'ALLOWED_ORIGINS refuses %j, naming the variable',
    (value) => {
      expect(parse(AllowedOrigins, value)).toBe(
        'Invalid worker environment: VARIABLE: must be a comma-separated list of origins such as https://gallery.example.com',
      );
    },
  );

  it('a comma list keeps items as written, trimmed', () => {
    expect(parse(CommaList, 'hls/, previews/ ,')).toEqual(['hls/', 'previews/']);
  });

  it('a whole number is decimal, whole and within its bounds', () => {
    const seconds = wholeNumber(60, 3600);
    expect(parse(seconds, '60')).toBe(60);
    expect(parse(seconds, '3600')).toBe(3600);
    expect(parse(seconds, '59')).toMatch(/VARIABLE: must be at least 60$/);
    expect(parse(seconds, '3601')).toMatch(/VARIABLE: must be at most 3600$/);
    expect(parse(seconds, '90.5')).toMatch(/VARIABLE: must be a whole number$/);
    expect(parse(seconds, 'soon')).toMatch(/VARIABLE: must be a whole number$/);
  });

  it('a secret says how long it must be, never what it was', () => {
    expect(parse(secret(32), 'hunter2')).toBe(
      'Invalid worker environment: VARIABLE: must be at least 32 characters',
    );
    expect(parse(secret(), '')).toBe('Invalid worker environment: VARIABLE: must not be empty');
  });

  it('playback keys: the signer’s reason, without the entry', () => {
    const message = parse(PlaybackKeys, 'hunter2-no-id-at-all');
    expect(message).toMatch(/^Invalid worker environment: VARIABLE: /);
    expect(message).not.toContain('hunter2');
    expect(parse(PlaybackKeys, 'k1:0123456789abcdef')).toEqual([
      expect.objectContaining({ id: 'k1' }),
    ]);
  });
});
