import { s3Error } from './s3-error.ts';

// Presigned PUTs, as the gallery's guest uploads send them straight from the browser:
// `UploadPart` (`?partNumber=<n>&uploadId=<id>`, into a multipart upload the viewer opened
// through its R2 binding) and a plain `PutObject` (the renditions the browser made). The
// signature (method and query included) is verified before this is reached. Bodies are
// streamed into the local bucket, never held whole.

/** S3's and R2's part numbers. */
const MAX_PART_NUMBER = 10_000;

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
    const object = await bucket.put(key, request.body, {
      ...(contentType === null ? {} : { httpMetadata: { contentType } }),
    });
    return stored(object.httpEtag);
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
    const uploaded = await bucket
      .resumeMultipartUpload(key, uploadId)
      .uploadPart(part, request.body);
    return stored(`"${uploaded.etag}"`);
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

/** S3's answer to a stored object or part: 200, no body, the ETag (quoted, as S3 writes it). */
function stored(etag: string): Response {
  return new Response(null, { status: 200, headers: { ETag: etag } });
}
