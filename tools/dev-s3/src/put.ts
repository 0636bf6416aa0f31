import { s3Error } from './s3-error.ts';

// Presigned PUTs, as the gallery's guest uploads send them straight from the browser:
// `UploadPart` (`?partNumber=<n>&uploadId=<id>`, into a multipart upload the viewer opened
// through its R2 binding) and a plain `PutObject` (the renditions the browser made). The
// signature (method and query included) is verified before this is reached.
//
// Every workerd of the stack (viewer, video worker, this one) opens the same local R2
// metadata database (.state/v3/r2/…sqlite), and the local R2 has no busy timeout: a write
// here while another process writes (the viewer creating or completing an upload) fails at
// once with SQLITE_BUSY, which the binding reports as "uploadPart: Unspecified error (0)".
// Eight part PUTs at once met it on most of them. So a body up to RESENDABLE_BYTES is read
// whole and written again after a short wait; a larger one is streamed once. What still
// fails is S3's 503 SlowDown with Retry-After (a browser's uploader retries), never a 500.
// R2 itself has no such lock: this is the local stand-in's problem, kept in the stand-in.

/** S3's and R2's part numbers. */
const MAX_PART_NUMBER = 10_000;
/** The SPA's parts are 8 MiB (the viewer's UPLOAD_PART_BYTES), renditions far smaller. */
export const RESENDABLE_BYTES = 32 * 2 ** 20;
/** Waits before each new attempt of a write the local R2 refused (about 1.5 s in all). */
const RETRY_WAITS_MS = [20, 50, 100, 250, 500, 600];
/** The binding's message when the local R2 threw something unexpected (SQLITE_BUSY). */
const LOCAL_R2_UNSPECIFIED = /Unspecified error \(0\)/;

/** A write the local R2 kept refusing: S3's answer for "try again shortly". */
const BUSY = Symbol('busy');

export async function answerPut(
  request: Request,
  bucket: R2Bucket,
  key: string,
  url: URL,
): Promise<Response> {
  const partNumber = url.searchParams.get('partNumber');
  const uploadId = url.searchParams.get('uploadId');
  // R2 needs the length up front; browsers always send it for a Blob or ArrayBuffer body.
  if (request.headers.get('Content-Length') === null || request.body === null) {
    return s3Error(
      request,
      'MissingContentLength',
      'You must provide the Content-Length HTTP header.',
    );
  }
  if (partNumber === null && uploadId === null) {
    const contentType = request.headers.get('Content-Type');
    const object = await resending(request, (body) =>
      bucket.put(key, body, {
        ...(contentType === null ? {} : { httpMetadata: { contentType } }),
      }),
    );
    return object === BUSY ? slowDown(request) : stored(object.httpEtag);
  }
  const part = Number(partNumber);
  if (
    uploadId === null ||
    !/^\d{1,5}$/.test(partNumber ?? '') ||
    part < 1 ||
    part > MAX_PART_NUMBER
  ) {
    return s3Error(
      request,
      'InvalidArgument',
      `Part number must be an integer between 1 and ${MAX_PART_NUMBER}, inclusive, with an uploadId`,
    );
  }
  try {
    const upload = bucket.resumeMultipartUpload(key, uploadId);
    const uploaded = await resending(request, (body) => upload.uploadPart(part, body));
    return uploaded === BUSY ? slowDown(request) : stored(`"${uploaded.etag}"`);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // R2's binding error for an upload that was completed, aborted or never existed.
    if (/NoSuchUpload|10024|does not exist/i.test(message)) {
      return s3Error(
        request,
        'NoSuchUpload',
        'The specified multipart upload does not exist. The upload ID may be invalid, or the upload may have been aborted or completed.',
        { UploadId: uploadId },
      );
    }
    throw error;
  }
}

/**
 * Runs `write` with the request's body; when the local R2 refuses it (see the top), writes
 * the same bytes again after a wait. Only a body read whole can be sent twice.
 */
async function resending<T>(
  request: Request,
  write: (body: ReadableStream | ArrayBuffer) => Promise<T>,
): Promise<T | typeof BUSY> {
  const refused = (error: unknown) =>
    error instanceof Error && LOCAL_R2_UNSPECIFIED.test(error.message);
  const length = Number(request.headers.get('Content-Length'));
  const body = length > RESENDABLE_BYTES ? request.body! : await request.arrayBuffer();
  for (let attempt = 0; ; attempt++) {
    try {
      return await write(body);
    } catch (error) {
      if (!refused(error)) throw error;
      const wait = RETRY_WAITS_MS[attempt];
      if (body instanceof ReadableStream || wait === undefined) {
        console.warn(`dev-s3: the local R2 refused a write ${attempt + 1} times (SQLITE_BUSY)`);
        return BUSY;
      }
      await new Promise((resolve) => setTimeout(resolve, wait));
    }
  }
}

function slowDown(request: Request): Response {
  return s3Error(
    request,
    'SlowDown',
    'Please reduce your request rate.',
    {},
    { 'Retry-After': '1' },
  );
}

/** S3's answer to a stored object or part: 200, no body, the ETag (quoted, as S3 writes it). */
function stored(etag: string): Response {
  return new Response(null, { status: 200, headers: { ETag: etag } });
}
