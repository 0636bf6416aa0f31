import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';

/**
 * A media id is the content hash of the original file: the same photo imported twice
 * (or from two folders, or renamed) is one row, and a re-run knows what is there
 * without a local database. 128 bits of SHA-256, hex: short enough for keys and URLs,
 * far from any accidental collision.
 */
export async function mediaIdOf(path: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) {
    hash.update(chunk as Buffer);
  }
  return hash.digest('hex').slice(0, 32);
}
