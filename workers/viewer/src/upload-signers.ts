import type { S3Location } from '@edge-gallery/http';
import {
  createPresigner,
  createUploadPartPresigner,
  type Presigner,
  type UploadPartPresigner,
} from '@edge-gallery/r2-signer';

export type UploadSigners = { parts: UploadPartPresigner; puts: Presigner };

// One pair per S3 location (the viewer's parsed S3 settings: one per isolate).
const signers = new WeakMap<S3Location, UploadSigners>();

/** The presigners of guest uploads: UploadPart PUTs, and plain PUTs for the renditions. */
export function uploadSignersFor(location: S3Location): UploadSigners {
  let found = signers.get(location);
  if (!found) {
    found = {
      parts: createUploadPartPresigner(location),
      puts: createPresigner({ ...location, method: 'PUT' }),
    };
    signers.set(location, found);
  }
  return found;
}
