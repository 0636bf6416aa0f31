import {
  AllowedOrigins,
  CommaList,
  checkObjectKey,
  cors,
  EnvError,
  parseEnv,
  secret,
  serveObject,
  withDefault,
} from '@edge-gallery/http';
import { withFaultSwitch } from '@edge-gallery/http/fault-switch';
import { verifyPresignedUrl } from '@edge-gallery/r2-signer';
import * as z from 'zod/mini';
import { answerPut } from './put.ts';
import { REJECTIONS, s3Error } from './s3-error.ts';

// A dev-only stand-in for R2's S3 endpoint: path-style GET/HEAD of presigned URLs
// (`/<bucket>/<key>?X-Amz-...`) and the presigned PUTs of guest uploads (put.ts), verified
// with the signer's own verifier, streamed from and to the local R2 bucket the workers share. `/public/<key>` stands in for a public
// custom domain. Never deployed.

// The workers' field parsers (@edge-gallery/http): ALLOWED_ORIGINS is checked as they check it.
const EnvSchema = z.object({
  R2_ACCESS_KEY_ID: secret(),
  R2_SECRET_ACCESS_KEY: secret(),
  BUCKET_NAME: z.string().check(z.minLength(1)),
  S3_REGION: z.string().check(z.minLength(1)),
  ALLOWED_ORIGINS: AllowedOrigins,
  PUBLIC_PREFIXES: withDefault(CommaList, []),
});

type Settings = z.output<typeof EnvSchema>;

const PUBLIC_PATH = '/public/';

const devS3 = {
  async fetch(request, env): Promise<Response> {
    let settings: Settings;
    try {
      settings = parseEnv(EnvSchema, env);
    } catch (error) {
      if (!(error instanceof EnvError)) throw error;
      console.error(`dev-s3: ${error.message}`);
      return s3Error(request, 'InternalError', error.message);
    }
    // PUT: the browser sends guest uploads' parts and renditions here (put.ts).
    const access = cors(request, settings.ALLOWED_ORIGINS, { methods: ['GET', 'HEAD', 'PUT'] });
    const preflight = access.preflight();
    if (preflight !== undefined) return preflight;
    try {
      return access.apply(await answer(request, env.MEDIA, settings));
    } catch (error) {
      // The bucket failed (the local fault switch, or the local state): R2's own answer.
      console.error(`dev-s3: ${error instanceof Error ? error.message : String(error)}`);
      return access.apply(
        s3Error(request, 'InternalError', 'We encountered an internal error. Please try again.'),
      );
    }
  },
} satisfies ExportedHandler<Env>;

// `pnpm bench` fails the bucket here too (packages/http fault-switch.ts): R2 failing is its
// S3 endpoint failing, which is what a guest's phone meets for thumbnails and photos.
export default withFaultSwitch<Env>(devS3, { MEDIA: 'R2' });

/** The methods a presigned URL is checked for. */
type SignedMethod = 'GET' | 'HEAD' | 'PUT';
const isSignedMethod = (method: string): method is SignedMethod =>
  method === 'GET' || method === 'HEAD' || method === 'PUT';

async function answer(request: Request, bucket: R2Bucket, settings: Settings): Promise<Response> {
  const method = request.method;
  if (!isSignedMethod(method)) return methodNotAllowed(request);
  const url = new URL(request.url);
  if (url.pathname.startsWith(PUBLIC_PATH)) {
    if (method === 'PUT') return methodNotAllowed(request);
    // S3: "Request specific response headers cannot be used for anonymous GET requests."
    if (hasOverrides(url)) {
      return s3Error(
        request,
        'InvalidRequest',
        'Request specific response headers cannot be used for anonymous GET requests.',
      );
    }
    return answerPublic(request, bucket, url, settings);
  }

  // Like S3, a request without any query authentication is anonymous, and this bucket is private.
  if (![...url.searchParams.keys()].some((name) => name.startsWith('X-Amz-'))) {
    return s3Error(request, 'AccessDenied', 'Access Denied');
  }
  // The method opens the canonical request: a URL presigned for GET fails as HEAD or PUT.
  const verdict = verifyPresignedUrl(url, {
    credentials: {
      accessKeyId: settings.R2_ACCESS_KEY_ID,
      secretAccessKey: settings.R2_SECRET_ACCESS_KEY,
    },
    region: settings.S3_REGION,
    method,
  });
  if (!verdict.ok) {
    const { code, message } = REJECTIONS[verdict.reason];
    return s3Error(request, code, message, { Reason: verdict.reason });
  }
  if (verdict.bucket !== settings.BUCKET_NAME) {
    return s3Error(request, 'NoSuchBucket', 'The specified bucket does not exist', {
      BucketName: verdict.bucket ?? '',
    });
  }
  if (method === 'PUT') return answerPut(request, bucket, verdict.key, url);
  return serve(request, bucket, verdict.key, responseOverrides(url));
}

// GetObject's response header overrides: `response-content-disposition=attachment; …`
// answers with that Content-Disposition. Only on signed requests (the parameters are
// part of what was signed, so a guest cannot change them), as S3 and R2 do.
const OVERRIDES = {
  'response-cache-control': 'Cache-Control',
  'response-content-disposition': 'Content-Disposition',
  'response-content-encoding': 'Content-Encoding',
  'response-content-language': 'Content-Language',
  'response-content-type': 'Content-Type',
  'response-expires': 'Expires',
} as const;

function responseOverrides(url: URL): Headers {
  const headers = new Headers();
  for (const [parameter, header] of Object.entries(OVERRIDES)) {
    const value = url.searchParams.get(parameter);
    // Header values cannot hold CR, LF or NUL; such a value (signed or not) is dropped.
    if (value !== null && !/[\r\n\0]/.test(value)) headers.set(header, value);
  }
  return headers;
}

function hasOverrides(url: URL): boolean {
  return Object.keys(OVERRIDES).some((parameter) => url.searchParams.has(parameter));
}

function methodNotAllowed(request: Request): Response {
  return s3Error(
    request,
    'MethodNotAllowed',
    'The specified method is not allowed.',
    {},
    { Allow: 'GET, HEAD' },
  );
}

/** Unsigned reads under the public prefixes only, as a public custom domain would serve. */
async function answerPublic(
  request: Request,
  bucket: R2Bucket,
  url: URL,
  settings: Settings,
): Promise<Response> {
  let key: string;
  try {
    key = decodeURIComponent(url.pathname.slice(PUBLIC_PATH.length));
  } catch {
    return s3Error(request, 'AccessDenied', 'Access Denied');
  }
  // A key that could walk out of a public prefix ('hls/../originals/...') is refused whole.
  if (
    checkObjectKey(key) !== undefined ||
    !settings.PUBLIC_PREFIXES.some((prefix) => key.startsWith(prefix))
  ) {
    return s3Error(request, 'AccessDenied', 'Access Denied');
  }
  return serve(request, bucket, key);
}

async function serve(
  request: Request,
  bucket: R2Bucket,
  key: string,
  overrides: Headers = new Headers(),
): Promise<Response> {
  const response = await serveObject(request, bucket, key, { headers: overrides });
  if (response.status === 404) {
    return s3Error(request, 'NoSuchKey', 'The specified key does not exist.', { Key: key });
  }
  if (response.status === 416) {
    const contentRange = response.headers.get('Content-Range');
    return s3Error(
      request,
      'InvalidRange',
      'The requested range is not satisfiable',
      {},
      contentRange === null ? {} : { 'Content-Range': contentRange },
    );
  }
  return response;
}
