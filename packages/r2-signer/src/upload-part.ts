import {
  DEFAULT_EXPIRES_SECONDS,
  PresignError,
  type PresignerConfig,
  type PresignOptions,
  querySignerOptions,
  writeCanonicalKey,
} from './presigner.ts';
import {
  ALGORITHM,
  amzDate,
  canonicalQueryString,
  canonicalRequest,
  credentialScope,
  MAX_EXPIRES_SECONDS,
  signature,
  signingKey,
  stringToSign,
} from './sigv4.ts';

/** S3's and R2's part numbers. */
export const MAX_PART_NUMBER = 10_000;

export type UploadPartPresigner = {
  /**
   * Presigned `UploadPart` PUT URLs (`?partNumber=<n>&uploadId=<id>`, both signed in the
   * canonical query string) for parts of one multipart upload, all with one `X-Amz-Date`.
   */
  presignParts(
    key: string,
    uploadId: string,
    partNumbers: readonly number[],
    options?: PresignOptions,
  ): string[];
};

/**
 * Presigns the parts of a multipart upload the browser sends straight to the store. A
 * handful of URLs per upload, so this is the plain string path of sigv4.ts (the same
 * steps the verifier runs), not the presigner's reused buffers: each URL carries its own
 * query parameters, which the batch presigner's constant canonical tail cannot.
 */
export function createUploadPartPresigner(
  config: Omit<PresignerConfig, 'method'>,
): UploadPartPresigner {
  const options = querySignerOptions({ ...config, method: 'PUT' });
  const { accessKeyId, secretAccessKey, sessionToken, region, service, host } = options;
  const base = options.origin + options.pathPrefix;
  return {
    presignParts(key, uploadId, partNumbers, presignOptions) {
      if (typeof uploadId !== 'string' || uploadId === '') {
        throw new PresignError('invalid-key', 'the upload id is empty');
      }
      const encodedKey = canonicalKey(key);
      const expiresIn = presignOptions?.expiresIn ?? DEFAULT_EXPIRES_SECONDS;
      const now = presignOptions?.now ?? Date.now();
      if (!Number.isInteger(expiresIn) || expiresIn < 1 || expiresIn > MAX_EXPIRES_SECONDS) {
        throw new PresignError(
          'invalid-expires-in',
          `expiresIn must be a whole number of seconds from 1 to ${MAX_EXPIRES_SECONDS} (7 days), got ${expiresIn}`,
        );
      }
      if (typeof now !== 'number' || !(now >= 0 && now < 253402300800000)) {
        throw new PresignError('invalid-now', `now must be milliseconds since 1970, got ${now}`);
      }
      const date = amzDate(now);
      const day = date.slice(0, 8);
      const scope = credentialScope(day, region, service);
      const signing = signingKey(secretAccessKey, day, region, service);
      const common: [string, string][] = [
        ['X-Amz-Algorithm', ALGORITHM],
        ['X-Amz-Credential', `${accessKeyId}/${scope}`],
        ['X-Amz-Date', date],
        ['X-Amz-Expires', String(expiresIn)],
        ['X-Amz-SignedHeaders', 'host'],
        ['uploadId', uploadId],
      ];
      if (sessionToken !== undefined) common.push(['X-Amz-Security-Token', sessionToken]);
      return partNumbers.map((partNumber) => {
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
          throw new PresignError(
            'invalid-key',
            `part numbers run from 1 to ${MAX_PART_NUMBER}, got ${partNumber}`,
          );
        }
        const query = canonicalQueryString([...common, ['partNumber', String(partNumber)]]);
        const request = canonicalRequest({
          method: 'PUT',
          canonicalUri: options.pathPrefix + encodedKey,
          canonicalQueryString: query,
          host,
          payloadHash: options.payloadHash,
        });
        const signed = signature(signing, stringToSign(date, scope, request));
        return `${base}${encodedKey}?${query}&X-Amz-Signature=${signed}`;
      });
    },
  };
}

/** The key UriEncoded as the presigner writes it, with its checks (dot segments, length). */
function canonicalKey(key: string): string {
  if (typeof key !== 'string' || key.length === 0) {
    throw new PresignError('empty-key', 'the object key is empty');
  }
  const out = new Uint8Array(9 * key.length);
  const end = writeCanonicalKey(key, out, 0);
  return String.fromCharCode(...out.subarray(0, end));
}
