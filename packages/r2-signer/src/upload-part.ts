import {
  createPresigner,
  PresignError,
  type PresignerConfig,
  type PresignOptions,
} from './presigner.ts';

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
    options?: Omit<PresignOptions, 'query'>,
  ): string[];
};

/**
 * Presigns the parts of a multipart upload the browser sends straight to the store: a PUT
 * presigner's batch whose every URL carries its own signed query (the presigner's one
 * path for URLs with query parameters), with the part numbers checked as S3 checks them.
 */
export function createUploadPartPresigner(
  config: Omit<PresignerConfig, 'method'>,
): UploadPartPresigner {
  const presigner = createPresigner({ ...config, method: 'PUT' });
  return {
    presignParts(key, uploadId, partNumbers, options) {
      if (typeof uploadId !== 'string' || uploadId === '') {
        throw new PresignError('invalid-key', 'the upload id is empty');
      }
      const targets = partNumbers.map((partNumber) => {
        if (!Number.isInteger(partNumber) || partNumber < 1 || partNumber > MAX_PART_NUMBER) {
          throw new PresignError(
            'invalid-key',
            `part numbers run from 1 to ${MAX_PART_NUMBER}, got ${partNumber}`,
          );
        }
        return { key, query: { partNumber: String(partNumber), uploadId } };
      });
      return presigner.presignBatch(targets, options);
    },
  };
}
