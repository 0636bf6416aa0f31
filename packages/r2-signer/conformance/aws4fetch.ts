import { AwsClient } from 'aws4fetch';
import type { PresignerConfig } from '../src/presigner.ts';

/**
 * The second oracle of the signer's tests: aws4fetch signs the same request from scratch,
 * for each kind of store the signer addresses.
 */

export const R2_STORE: PresignerConfig = {
  accessKeyId: '0123456789abcdef0123456789abcdef',
  secretAccessKey: 'r2-secret-0123456789abcdef0123456789abcdef0123456789abcdef',
  endpoint: 'https://account.r2.cloudflarestorage.com',
  bucket: 'edge-gallery-media',
  region: 'auto',
};

export const STORES: [string, PresignerConfig][] = [
  ['R2, path style', R2_STORE],
  ['local dev S3 endpoint', { ...R2_STORE, endpoint: 'http://localhost:8789' }],
  [
    'AWS, virtual-hosted, session token',
    {
      accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
      secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
      sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQ+/=',
      endpoint: 'https://s3.eu-central-1.amazonaws.com',
      bucket: 'my.bucket-1',
      region: 'eu-central-1',
      style: 'virtual-hosted',
    },
  ],
];

/** `url` (its query parameters included) presigned by aws4fetch at `now`. */
export async function signedByAws4fetch(
  config: PresignerConfig,
  url: string,
  now: number,
  method: 'GET' | 'PUT' | 'HEAD' = 'GET',
): Promise<string> {
  const client = new AwsClient({
    accessKeyId: config.accessKeyId,
    secretAccessKey: config.secretAccessKey,
    ...(config.sessionToken === undefined ? {} : { sessionToken: config.sessionToken }),
    service: 's3',
    region: config.region,
  });
  const datetime = new Date(now).toISOString().replace(/[:-]|\.\d{3}/g, '');
  const signed = await client.sign(url, { method, aws: { signQuery: true, datetime } });
  return signed.url;
}
