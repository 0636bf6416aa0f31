import { describe, expect, it } from 'vitest';
import * as z from 'zod/mini';
import { EnvError, parseEnv } from './env.ts';

const schema = z.object({
  AUTH_SECRET: z.string().check(z.minLength(32)),
  R2_BUCKET_NAME: z.string().check(z.minLength(1)),
  DEBUG: z.pipe(
    z.enum(['true', 'false']),
    z.transform((value) => value === 'true'),
  ),
});

const good = {
  AUTH_SECRET: 'x'.repeat(32),
  R2_BUCKET_NAME: 'edge-gallery-media',
  DEBUG: 'true',
};

function errorOf(env: unknown): EnvError {
  try {
    parseEnv(schema, env);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('parseEnv accepted the env');
}

describe('parseEnv', () => {
  it('returns the parsed (transformed) env', () => {
    expect(parseEnv(schema, { ...good })).toEqual({ ...good, DEBUG: true });
  });

  it('validates once per env object', () => {
    const env = { ...good };
    const first = parseEnv(schema, env);
    expect(parseEnv(schema, env)).toBe(first);
    expect(parseEnv(schema, { ...good })).not.toBe(first);
  });

  it('keeps schemas apart for the same env object', () => {
    const env = { ...good };
    const bucketOnly = z.object({ R2_BUCKET_NAME: z.string() });
    expect(parseEnv(schema, env)).toHaveProperty('DEBUG', true);
    expect(parseEnv(bucketOnly, env)).toEqual({ R2_BUCKET_NAME: 'edge-gallery-media' });
  });

  it('names a missing variable', () => {
    const { R2_BUCKET_NAME: _, ...env } = good;
    const error = errorOf(env);
    expect(error.name).toBe('EnvError');
    expect(error.variables).toEqual(['R2_BUCKET_NAME']);
    expect(error.message).toBe('Invalid worker environment: R2_BUCKET_NAME is missing');
  });

  it('names a bad variable with the schema’s reason', () => {
    const error = errorOf({ ...good, DEBUG: 'yes' });
    expect(error.variables).toEqual(['DEBUG']);
    expect(error.message).toMatch(/^Invalid worker environment: DEBUG: /);
  });

  it('names every bad variable at once', () => {
    const error = errorOf({ DEBUG: 'false' });
    expect(error.variables).toEqual(['AUTH_SECRET', 'R2_BUCKET_NAME']);
    expect(error.message).toContain('AUTH_SECRET is missing');
    expect(error.message).toContain('R2_BUCKET_NAME is missing');
  });

  it('never prints a value, which may be a secret', () => {
    const secret = 'hunter2-the-secret';
    const error = errorOf({ ...good, AUTH_SECRET: secret, DEBUG: secret });
    expect(error.variables).toEqual(['AUTH_SECRET', 'DEBUG']);
    expect(error.message).not.toContain(secret);
    expect(error.message).not.toContain('hunter2');
    expect(JSON.stringify(error)).not.toContain('hunter2');
  });

  it('throws the memoised error again on the next request', () => {
    const env = { DEBUG: 'true' };
    expect(errorOf(env)).toBe(errorOf(env));
  });

  it('refuses an env that is not an object', () => {
    expect(errorOf(undefined).message).toMatch(/^Invalid worker environment: \(env\): /);
  });
});
