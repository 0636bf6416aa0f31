// File names inside a downloaded ZIP: every entry unpacks on Windows, macOS and Linux, and
// no two entries collide there. Titles come from guests' uploads and cameras: anything goes.

/** Characters Windows refuses in a name, and the path separators of every OS. */
// biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what it removes.
const ILLEGAL = /[<>:"/\\|?*\u0000-\u001f\u007f]/g;
/** Windows' reserved device names, refused with any extension too (`CON.jpg`). */
const RESERVED = /^(con|prn|aux|nul|com[0-9¹²³]|lpt[0-9¹²³])$/i;
/** Most file systems allow 255 bytes per name (UTF-8 for ext4 and APFS). */
const MAX_NAME_BYTES = 255;

const bytes = (text: string) => new TextEncoder().encode(text).length;

/** Cuts `text` to at most `limit` UTF-8 bytes without splitting a character. */
function truncate(text: string, limit: number): string {
  let out = '';
  for (const char of text) {
    if (bytes(out + char) > limit) break;
    out += char;
  }
  return out;
}

/** The extension of a media URL's path (`/originals/abc.JPG?X-Amz…` → `.jpg`), or ''. */
export function extensionOf(url: string): string {
  const path = new URL(url, 'http://x').pathname;
  const match = /\.([a-z0-9]{1,8})$/i.exec(path);
  return match ? `.${match[1]!.toLowerCase()}` : '';
}

/** One name that every OS accepts: illegal characters replaced, reserved names avoided. */
export function safeName(title: string, extension: string, fallback: string): string {
  let stem = title
    .normalize('NFC')
    .replace(ILLEGAL, '_')
    .trim()
    // Windows drops trailing dots and spaces; a leading dot hides the file elsewhere.
    .replace(/[. ]+$/, '')
    .replace(/^\.+/, '');
  if (stem === '') stem = fallback;
  if (RESERVED.test(stem.split('.')[0]!)) stem = `_${stem}`;
  return `${truncate(stem, MAX_NAME_BYTES - bytes(extension) - 8)}${extension}`;
}

/**
 * Names for a list of entries, unique even on case-insensitive file systems (Windows, macOS):
 * the second `IMG_1.jpg` becomes `IMG_1 (2).jpg`.
 */
export function uniqueNames(entries: { title: string; extension: string; fallback: string }[]) {
  const taken = new Set<string>();
  return entries.map(({ title, extension, fallback }) => {
    const name = safeName(title, extension, fallback);
    const stem = name.slice(0, name.length - extension.length);
    let candidate = name;
    for (let n = 2; taken.has(candidate.toLowerCase()); n++)
      candidate = `${stem} (${n})${extension}`;
    taken.add(candidate.toLowerCase());
    return candidate;
  });
}
