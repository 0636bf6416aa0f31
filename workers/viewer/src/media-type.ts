// What guests may upload: the photo and video formats phones and cameras write and that a
// browser can show or play (HEIC: Safari, and the owner's tools). An allow-list of a dozen
// signatures, checked on the first bytes that reached the bucket; a general detector
// (file-type) knows hundreds of formats this list would refuse anyway.

export type UploadKind = 'image' | 'video';

// A Map, not an object literal: a declared type of `__proto__` or `toString` must find nothing.
const EXTENSIONS = new Map([
  ['image/jpeg', 'jpg'],
  ['image/png', 'png'],
  ['image/gif', 'gif'],
  ['image/webp', 'webp'],
  ['image/heic', 'heic'],
  ['image/heif', 'heif'],
  ['image/avif', 'avif'],
  ['video/mp4', 'mp4'],
  ['video/quicktime', 'mov'],
  ['video/webm', 'webm'],
  ['video/3gpp', '3gp'],
  ['video/x-m4v', 'm4v'],
]);

/** A declared `type` (lower case) → the kind it must be and the original's file extension. */
export function uploadTypeOf(type: string): { kind: UploadKind; ext: string } | undefined {
  const ext = EXTENSIONS.get(type);
  if (ext === undefined) return undefined;
  return { kind: type.startsWith('image/') ? 'image' : 'video', ext };
}

/** How many leading bytes `sniffKind` reads: an ISO BMFF `ftyp` box with its brands. */
export const SNIFF_BYTES = 64;

// ISO BMFF (HEIF, AVIF, MP4, MOV, 3GP) names its family in the brands of its first box.
const IMAGE_BRANDS = new Set([
  'heic',
  'heix',
  'heim',
  'heis',
  'hevc',
  'hevx',
  'mif1',
  'msf1',
  'avif',
  'avis',
]);
const VIDEO_BRANDS = new Set([
  'isom',
  'iso2',
  'iso3',
  'iso4',
  'iso5',
  'iso6',
  'mp41',
  'mp42',
  'avc1',
  'M4V ',
  'M4VP',
  'qt  ',
  '3gp4',
  '3gp5',
  '3gp6',
  '3g2a',
  'dash',
  'MSNV',
  'f4v ',
  'mmp4',
  'XAVC',
]);
// QuickTime files from older cameras open with one of these atoms instead of `ftyp`.
const QUICKTIME_ATOMS = new Set(['moov', 'mdat', 'wide', 'free', 'skip', 'pnot']);

const ascii = (bytes: Uint8Array, from: number, to: number) =>
  String.fromCharCode(...bytes.subarray(from, to));

const startsWith = (bytes: Uint8Array, signature: number[]) =>
  signature.every((byte, i) => bytes[i] === byte);

/** The kind the first bytes of a file say it is, or undefined for anything else. */
export function sniffKind(bytes: Uint8Array): UploadKind | undefined {
  if (startsWith(bytes, [0xff, 0xd8, 0xff])) return 'image'; // JPEG
  if (startsWith(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a])) return 'image'; // PNG
  if (ascii(bytes, 0, 6) === 'GIF87a' || ascii(bytes, 0, 6) === 'GIF89a') return 'image';
  if (ascii(bytes, 0, 4) === 'RIFF' && ascii(bytes, 8, 12) === 'WEBP') return 'image';
  if (startsWith(bytes, [0x1a, 0x45, 0xdf, 0xa3])) return 'video'; // Matroska / WebM (EBML)
  const box = ascii(bytes, 4, 8);
  if (box === 'ftyp') {
    const size = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0);
    const end = Math.min(bytes.length, Math.max(16, size));
    // The major brand, then the compatible brands (after the 4-byte minor version).
    const brands = [ascii(bytes, 8, 12)];
    for (let at = 16; at + 4 <= end; at += 4) brands.push(ascii(bytes, at, at + 4));
    if (brands.some((brand) => IMAGE_BRANDS.has(brand))) return 'image';
    if (brands.some((brand) => VIDEO_BRANDS.has(brand))) return 'video';
    return undefined;
  }
  if (bytes.length >= 8 && QUICKTIME_ATOMS.has(box)) return 'video';
  return undefined;
}
