// A stand-in for an S3-compatible store (AWS S3, MinIO, Backblaze...) in front of the
// real local R2 bucket: it checks each request's SigV4 query signature (the worker reads
// through presigned URLs) by signing the same URL again with aws4fetch, an independent
// implementation, then answers GET/HEAD with Range and conditionals from R2.
// Tests use it where the worker talks to "another store" over HTTP.
import { serveObject } from '@edge-gallery/http';
import { AwsV4Signer } from 'aws4fetch';

export type FakeS3Options = {
  bucket: R2Bucket;
  bucketName: string;
  credentials: { accessKeyId: string; secretAccessKey: string };
  region: string;
  /** Every request the store received, in order. */
  requests: Request[];
  /** How the store misbehaves, if at all. */
  mode?: 'ok' | 'error-500' | 'hang';
};

export function fakeS3(options: FakeS3Options): typeof fetch {
  return async (input, init) => {
    const request = new Request(input, init);
    options.requests.push(request);
    const signal = init?.signal ?? request.signal;
    if (options.mode === 'hang') {
      return new Promise<Response>((_, reject) => {
        signal?.addEventListener('abort', () => reject(new DOMException('aborted', 'AbortError')));
      });
    }
    if (options.mode === 'error-500') return s3Error(500, 'InternalError');
    if (!(await signatureMatches(request, options))) return s3Error(403, 'SignatureDoesNotMatch');

    const path = new URL(request.url).pathname;
    const prefix = `/${options.bucketName}/`;
    if (!path.startsWith(prefix)) return s3Error(404, 'NoSuchBucket');
    const key = path.slice(prefix.length).split('/').map(decodeURIComponent).join('/');
    const answer = await serveObject(request, options.bucket, key);
    if (answer.status === 404) return s3Error(404, 'NoSuchKey');
    // What real stores add, and what the worker must not pass on.
    const headers = new Headers(answer.headers);
    headers.set('x-amz-request-id', 'FAKE0001');
    headers.set('x-amz-id-2', 'fake/host/id');
    headers.set('Set-Cookie', 'AWSALB=sticky; Path=/');
    headers.set('Server', 'AmazonS3');
    return new Response(answer.body, { status: answer.status, headers });
  };
}

async function signatureMatches(request: Request, options: FakeS3Options): Promise<boolean> {
  const url = new URL(request.url);
  const signature = url.searchParams.get('X-Amz-Signature');
  const datetime = url.searchParams.get('X-Amz-Date');
  // Only the host is signed: Range and conditional headers stay free to vary, as in S3.
  if (signature === null || datetime === null) return false;
  if (url.searchParams.get('X-Amz-SignedHeaders') !== 'host') return false;
  url.searchParams.delete('X-Amz-Signature');
  const expected = await new AwsV4Signer({
    url: url.href,
    method: request.method,
    ...options.credentials,
    service: 's3',
    region: options.region,
    datetime,
    signQuery: true,
  }).sign();
  return expected.url.searchParams.get('X-Amz-Signature') === signature;
}

function s3Error(status: number, code: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?><Error><Code>${code}</Code></Error>`, {
    status,
    headers: { 'Content-Type': 'application/xml' },
  });
}
