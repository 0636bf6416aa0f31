import type { PresignedUrlRejection } from '@edge-gallery/r2-signer';

// The errors R2's S3 API (like S3) answers for presigned GETs, as XML:
// https://docs.aws.amazon.com/AmazonS3/latest/API/ErrorResponses.html

export type S3ErrorCode =
  | 'AccessDenied'
  | 'AuthorizationQueryParametersError'
  | 'InvalidAccessKeyId'
  | 'SignatureDoesNotMatch'
  | 'NoSuchBucket'
  | 'NoSuchKey'
  | 'InvalidRange'
  | 'InvalidRequest'
  | 'MethodNotAllowed'
  | 'NoSuchUpload'
  | 'InvalidArgument'
  | 'MissingContentLength'
  | 'SlowDown'
  | 'InternalError';

const STATUS: Record<S3ErrorCode, number> = {
  AccessDenied: 403,
  AuthorizationQueryParametersError: 400,
  InvalidAccessKeyId: 403,
  SignatureDoesNotMatch: 403,
  NoSuchBucket: 404,
  NoSuchKey: 404,
  InvalidRange: 416,
  InvalidRequest: 400,
  MethodNotAllowed: 405,
  NoSuchUpload: 404,
  InvalidArgument: 400,
  MissingContentLength: 411,
  SlowDown: 503,
  InternalError: 500,
};

/** What the verifier's reason becomes on the wire. */
export const REJECTIONS: Record<PresignedUrlRejection, { code: S3ErrorCode; message: string }> = {
  malformed: {
    code: 'AuthorizationQueryParametersError',
    message:
      'Query-string authentication version 4 requires the X-Amz-Algorithm, X-Amz-Credential, X-Amz-Signature, X-Amz-Date, X-Amz-SignedHeaders, and X-Amz-Expires parameters.',
  },
  unsupported: {
    code: 'AuthorizationQueryParametersError',
    message: 'X-Amz-Algorithm only supports "AWS4-HMAC-SHA256" and X-Amz-SignedHeaders "host".',
  },
  'wrong-scope': {
    code: 'AuthorizationQueryParametersError',
    message: 'Error parsing the X-Amz-Credential parameter: wrong date, region or service.',
  },
  'unknown-access-key': {
    code: 'InvalidAccessKeyId',
    message: 'The AWS Access Key Id you provided does not exist in our records.',
  },
  'bad-signature': {
    code: 'SignatureDoesNotMatch',
    message:
      'The request signature we calculated does not match the signature you provided. Check your secret access key and signing method.',
  },
  expired: { code: 'AccessDenied', message: 'Request has expired' },
  'not-yet-valid': { code: 'AccessDenied', message: 'Request is not valid yet' },
};

/** An S3-style XML error; HEAD answers carry the status and headers only, as in S3. */
export function s3Error(
  request: Request,
  code: S3ErrorCode,
  message: string,
  details: Record<string, string> = {},
  headers?: HeadersInit,
): Response {
  const fields = Object.entries({ Code: code, Message: message, ...details })
    .map(([name, value]) => `<${name}>${escapeXml(value)}</${name}>`)
    .join('');
  const body = `<?xml version="1.0" encoding="UTF-8"?>\n<Error>${fields}</Error>`;
  const response = new Response(request.method === 'HEAD' ? null : body, {
    status: STATUS[code],
    headers: { 'Content-Type': 'application/xml', 'Cache-Control': 'no-store' },
  });
  for (const [name, value] of new Headers(headers)) response.headers.set(name, value);
  return response;
}

function escapeXml(text: string): string {
  return text.replace(
    /[<>&"']/g,
    (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!,
  );
}
