/**
 * S3 object keys as the presigner signs them: the canonical URI form (each segment
 * UriEncoded, `/` kept, no normalisation), refusing what would not reach S3 as written.
 */
import { PresignError } from './presign-error.ts';
import { writeUriEncoded } from './uri-encode.ts';

/** S3's limit on object keys, in UTF-8 bytes. */
export const MAX_KEY_BYTES = 1024;
/** The most bytes a key's encoding takes: 1024 UTF-16 units of 3 UTF-8 bytes, each `%XY`. */
export const MAX_ENCODED_KEY_BYTES = 9 * MAX_KEY_BYTES;

/**
 * Writes the object key UriEncoded (UTF-8, `/` kept) at `offset`; returns the end.
 * Refuses an empty key, `.` and `..` segments (every URL parser removes them before the
 * request is sent), lone surrogates, keys over 1024 bytes.
 */
export function writeObjectKey(key: string, out: Uint8Array, offset: number): number {
  if (typeof key !== 'string' || key.length === 0) {
    throw new PresignError('empty-key', 'the object key is empty');
  }
  // UTF-16 units never outnumber UTF-8 bytes: longer keys are too long without a look.
  if (key.length > MAX_KEY_BYTES) throw keyTooLong(key);
  if (hasDotSegment(key)) {
    throw new PresignError(
      'dot-segment',
      `key ${describe(key)} has a "." or ".." segment, which URL parsers remove`,
    );
  }
  let end: number;
  try {
    end = writeUriEncoded(key, out, offset, 'path');
  } catch {
    throw new PresignError('invalid-key', `key ${describe(key)} has a lone UTF-16 surrogate`);
  }
  // Each encoded byte stands for one UTF-8 byte, each %XY too: only a key that may encode
  // to more than 1024 bytes is counted.
  if (end - offset > MAX_KEY_BYTES && utf8Length(out, offset, end) > MAX_KEY_BYTES) {
    throw keyTooLong(key);
  }
  return end;
}

/** Whether a segment is `.` or `..`: looked for around each `.`, which keys have few of. */
function hasDotSegment(key: string): boolean {
  for (let dot = key.indexOf('.'); dot !== -1; dot = key.indexOf('.', dot + 1)) {
    if (dot > 0 && key.charCodeAt(dot - 1) !== 47) continue;
    // `.` or `..` from a segment's start to its end.
    const next = key.charCodeAt(dot + 1) === 46 ? dot + 2 : dot + 1;
    if (next === key.length || key.charCodeAt(next) === 47) return true;
  }
  return false;
}

function utf8Length(encoded: Uint8Array, start: number, end: number): number {
  let length = end - start;
  for (let i = start; i < end; i++) if (encoded[i] === 37) length -= 2;
  return length;
}

function keyTooLong(key: string): PresignError {
  return new PresignError('key-too-long', `key ${describe(key)} is over ${MAX_KEY_BYTES} bytes`);
}

function describe(key: string): string {
  return JSON.stringify(key.length > 80 ? `${key.slice(0, 80)}…` : key);
}
