import { describe, expect, it } from 'vitest';
import { R2_STORE as r2, STORES, signedByAws4fetch } from '../conformance/aws4fetch.ts';
import { PresignError } from './presigner.ts';
import { createUploadPartPresigner } from './upload-part.ts';
import { verifyPresignedUrl } from './verify.ts';

const NOW = Date.UTC(2026, 11, 6, 9, 30, 0);
const configs = STORES;
// R2's upload ids are long opaque strings with characters that need encoding.
const UPLOAD_IDS = [
  'AAEAAc3k0y3fB7+X/9vH2w==',
  '2~abcDEF_ghi-jkl.mno',
  'ACCEHPq0dkr7z3bQ%2Bv/=8', // a '%' in the id itself
];
const KEYS = ['uploads/Xw3_aZ/original.mov', 'uploads/é ü/IMG 0001 (1).HEIC', 'a+b=c&d'];

/** Origin, path and decoded parameters, sorted: aws4fetch writes `~` as `%7E` in the URL
 * (URLSearchParams), which is the same parameter and the same signature. */
function parametersOf(url: string): string[] {
  const parsed = new URL(url);
  const params = [...parsed.searchParams].map(([name, value]) => `${name}=${value}`).sort();
  return [parsed.origin + parsed.pathname, ...params];
}

describe('UploadPart presigning, against aws4fetch', () => {
  it.each(configs)('%s: the same parameters and signature', async (_name, config) => {
    const presigner = createUploadPartPresigner(config);
    for (const key of KEYS) {
      for (const uploadId of UPLOAD_IDS) {
        const parts = [1, 2, 9, 10, 10_000];
        const urls = presigner.presignParts(key, uploadId, parts, { now: NOW, expiresIn: 900 });
        for (const [i, url] of urls.entries()) {
          const unsigned =
            `${url.slice(0, url.indexOf('?'))}?X-Amz-Expires=900` +
            `&partNumber=${parts[i]}&uploadId=${encodeURIComponent(uploadId)}`;
          expect(parametersOf(url), `${key} ${uploadId} ${parts[i]}`).toEqual(
            parametersOf(await signedByAws4fetch(config, unsigned, NOW, 'PUT')),
          );
        }
      }
    }
  });
});

describe('UploadPart URLs, through the verifier', () => {
  const presigner = createUploadPartPresigner({ ...r2, endpoint: 'http://localhost:8789' });
  const [url] = presigner.presignParts('uploads/u1/original.mp4', 'r2-upload-1', [3], {
    now: NOW,
  }) as [string];
  const verify = (candidate: string, method: 'GET' | 'PUT' = 'PUT') =>
    verifyPresignedUrl(candidate, { credentials: r2, region: 'auto', method, now: NOW });

  it('are valid for PUT, naming the part and the upload', () => {
    expect(verify(url)).toMatchObject({ ok: true, key: 'uploads/u1/original.mp4' });
    const query = new URL(url).searchParams;
    expect([query.get('partNumber'), query.get('uploadId')]).toEqual(['3', 'r2-upload-1']);
  });

  it('fail when the part number, the upload id, the key or the method change', () => {
    const tampered = [
      url.replace('partNumber=3', 'partNumber=4'),
      url.replace('uploadId=r2-upload-1', 'uploadId=r2-upload-2'),
      url.replace('&partNumber=3', ''),
      url.replace('original.mp4', 'original.mov'),
      `${url}&partNumber=5`,
    ];
    for (const candidate of tampered) {
      expect(verify(candidate), candidate).toEqual({ ok: false, reason: 'bad-signature' });
    }
    expect(verify(url, 'GET')).toEqual({ ok: false, reason: 'bad-signature' });
  });
});

describe('UploadPart presigning, refusals', () => {
  const presigner = createUploadPartPresigner(r2);
  it.each([
    ['part 0', 'k', 'u', [0]],
    ['part 10001', 'k', 'u', [10_001]],
    ['a fractional part', 'k', 'u', [1.5]],
    ['an empty upload id', 'k', '', [1]],
    ['an empty key', '', 'u', [1]],
    ['a dot segment', 'uploads/../originals/x', 'u', [1]],
  ] as const)('%s', (_name, key, uploadId, parts) => {
    expect(() => presigner.presignParts(key, uploadId, parts)).toThrow(PresignError);
  });
});
