import { env } from 'cloudflare:workers';
import devS3 from '@edge-gallery/dev-s3';

// The S3 endpoint the viewer presigns for, in its tests: the dev S3 endpoint's own handler
// (tools/dev-s3) over the same local bucket, holding the key pair the viewer is given.

export const ENDPOINT = 'http://localhost:8789';
export const BUCKET = 'edge-gallery-media';

/** The viewer's S3 variables (its vitest config gives it none: worker paths by default). */
export const S3 = {
  R2_ACCESS_KEY_ID: 'viewer-test-access-key',
  R2_SECRET_ACCESS_KEY: 'viewer-test-s3-secret-0123456789abcdef',
  S3_ENDPOINT: ENDPOINT,
  R2_BUCKET_NAME: BUCKET,
};

/** A request to the store, as a browser sends it to a presigned URL. */
export function toStore(request: Request): Promise<Response> {
  const storeEnv = {
    MEDIA: env.MEDIA,
    R2_ACCESS_KEY_ID: S3.R2_ACCESS_KEY_ID,
    R2_SECRET_ACCESS_KEY: S3.R2_SECRET_ACCESS_KEY,
    BUCKET_NAME: BUCKET,
    S3_REGION: 'auto',
    ALLOWED_ORIGINS: 'http://localhost:5173',
    PUBLIC_PREFIXES: 'hls/',
  };
  return Promise.resolve(devS3.fetch(request as never, storeEnv as never));
}
