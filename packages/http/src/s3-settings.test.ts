import { describe, expect, it } from 'vitest';
import { EnvError } from './env.ts';
import { hasS3Credentials, s3SettingsOf } from './s3-settings.ts';

const SECRET = 's3-secret-that-must-never-be-logged-0123456789';
const base = {
  R2_ACCESS_KEY_ID: 'test-access-key',
  R2_SECRET_ACCESS_KEY: SECRET,
  R2_BUCKET_NAME: 'edge-gallery-media',
  S3_ENDPOINT: 'http://localhost:8789',
};

function errorOf(env: object): EnvError {
  try {
    s3SettingsOf(env);
  } catch (error) {
    if (error instanceof EnvError) return error;
    throw error;
  }
  throw new Error('accepted');
}

describe('s3SettingsOf', () => {
  it('reads the dev S3 endpoint with the defaults: region auto, path style, one hour', () => {
    const settings = s3SettingsOf({ ...base });
    expect(settings.location).toEqual({
      endpoint: 'http://localhost:8789',
      bucket: 'edge-gallery-media',
      region: 'auto',
      style: 'path',
      accessKeyId: 'test-access-key',
      secretAccessKey: SECRET,
    });
    expect(settings.customEndpoint).toBe(true);
    expect(settings.presignTtlSeconds).toBe(3600);
    expect(settings.presigner.presign('a.jpg')).toMatch(
      /^http:\/\/localhost:8789\/edge-gallery-media\/a\.jpg\?X-Amz-Algorithm=/,
    );
  });

  it("builds R2's endpoint from R2_ACCOUNT_ID; S3_ENDPOINT wins when both are set", () => {
    const r2 = s3SettingsOf({ ...base, S3_ENDPOINT: '', R2_ACCOUNT_ID: 'abc123' });
    expect(r2.location.endpoint).toBe('https://abc123.r2.cloudflarestorage.com');
    expect(r2.customEndpoint).toBe(false);
    expect(s3SettingsOf({ ...base, R2_ACCOUNT_ID: 'abc123' }).location.endpoint).toBe(
      'http://localhost:8789',
    );
  });

  it('presigns virtual-hosted URLs when S3_FORCE_PATH_STYLE is false', () => {
    const settings = s3SettingsOf({
      ...base,
      S3_ENDPOINT: 'https://s3.eu-west-1.amazonaws.com',
      S3_REGION: 'eu-west-1',
      S3_FORCE_PATH_STYLE: 'false',
    });
    expect(settings.location.style).toBe('virtual-hosted');
    expect(settings.presigner.presign('a.jpg')).toMatch(
      /^https:\/\/edge-gallery-media\.s3\.eu-west-1\.amazonaws\.com\/a\.jpg\?/,
    );
  });

  it('is memoised per env object: one presigner per isolate', () => {
    const env = { ...base };
    expect(s3SettingsOf(env)).toBe(s3SettingsOf(env));
  });

  it.each([
    ['R2_ACCESS_KEY_ID', { R2_ACCESS_KEY_ID: undefined }],
    ['R2_SECRET_ACCESS_KEY', { R2_SECRET_ACCESS_KEY: '' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: undefined }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'not a url' }],
    ['S3_ENDPOINT', { S3_ENDPOINT: 'https://s3.example/with/path' }],
    ['R2_ACCOUNT_ID', { S3_ENDPOINT: undefined, R2_ACCOUNT_ID: 'a.b/c' }],
    ['R2_BUCKET_NAME', { R2_BUCKET_NAME: 'Not_A_Bucket' }],
    ['S3_REGION', { S3_REGION: 'EU WEST' }],
    ['S3_FORCE_PATH_STYLE', { S3_FORCE_PATH_STYLE: 'yes' }],
    ['PRESIGN_EXPIRES_SECONDS', { PRESIGN_EXPIRES_SECONDS: '59' }],
    ['PRESIGN_EXPIRES_SECONDS', { PRESIGN_EXPIRES_SECONDS: '600001' }],
    ['PRESIGN_EXPIRES_SECONDS', { PRESIGN_EXPIRES_SECONDS: '1.5' }],
  ])('names %s when it is missing or bad, never a secret', (variable, change) => {
    const error = errorOf({ ...base, ...change });
    expect(error.variables).toContain(variable);
    expect(error.message).toContain(variable);
    expect(error.message).not.toContain(SECRET);
  });
});

describe('hasS3Credentials', () => {
  it('is true when either half of the key pair is set, false when neither is', () => {
    expect(hasS3Credentials({})).toBe(false);
    expect(hasS3Credentials({ R2_ACCESS_KEY_ID: '', R2_SECRET_ACCESS_KEY: '' })).toBe(false);
    expect(hasS3Credentials({ R2_ACCESS_KEY_ID: 'k' })).toBe(true);
    expect(hasS3Credentials({ R2_SECRET_ACCESS_KEY: 's' })).toBe(true);
  });
});
