// `Content-Disposition: attachment` for saving an original under a readable name (RFC 6266):
// `filename*` (RFC 8187, UTF-8) carries the real name and wins in every current browser;
// `filename` is a plain-ASCII fallback for the rest.

// Characters no file name keeps: quotes and path separators, what Windows refuses
// (`: * ? < > |`), control characters and line breaks (CR/LF would end the header),
// lone surrogates, private-use and unassigned code points, the byte order mark, and the
// bidirectional overrides that make `gpj.exe` read as `exe.jpg`. ZWJ/ZWNJ stay: emoji and
// Indic scripts need them.
const UNSAFE =
  /["*/:<>?\\|\p{Cc}\p{Cs}\p{Co}\p{Cn}\p{Zl}\p{Zp}\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069\ufeff]/gu;
const EXTENSION = /\.([A-Za-z0-9]{1,10})$/;
/** Code points of the name before its extension: far below every file system's limit. */
const MAX_STEM = 100;

/** The header value that saves the original `key` as `<title>.<extension of key>`. */
export function attachment(title: string | null, key: string): string {
  const name = fileName(title, key);
  return `attachment; filename="${asciiFallback(name)}"; filename*=UTF-8''${encodeExtValue(name)}`;
}

/**
 * `<title>.<ext>` with the extension of the key; without a usable title, the key's own
 * name. Never empty, never starting with a dot (a hidden file), never a path.
 */
export function fileName(title: string | null, key: string): string {
  const base = key.slice(key.lastIndexOf('/') + 1);
  const extension = EXTENSION.exec(base)?.[1]?.toLowerCase();
  const withoutExtension = extension ? base.slice(0, -extension.length - 1) : base;
  const stem = clean(title ?? '') || clean(withoutExtension) || 'download';
  if (!extension || stem.toLowerCase().endsWith(`.${extension}`)) return stem;
  return `${stem}.${extension}`;
}

function clean(text: string): string {
  const spaced = text.normalize('NFC').replace(UNSAFE, ' ').replace(/\s+/g, ' ');
  const trimmed = trimName(spaced);
  return trimName(Array.from(trimmed).slice(0, MAX_STEM).join(''));
}

/** Leading dots hide a file; Windows drops trailing dots and spaces. */
function trimName(text: string): string {
  return text.replace(/^[\s.]+|[\s.]+$/g, '');
}

/**
 * Printable ASCII without `"`, `\`, `%` (some browsers percent-decode `filename`) and
 * `;`/`,` (naive parsers split on them): accents dropped (`Café` → `Cafe`), anything else `_`.
 */
function asciiFallback(name: string): string {
  return name
    .normalize('NFKD')
    .replace(/\p{M}/gu, '')
    .replace(/[^ !#$&'()+\-.0-9=@A-Z[\]^_`a-z{}~]+/g, '_');
}

/** RFC 8187 §3.2.1 value-chars: attr-char stays, every other UTF-8 byte is %XX. */
function encodeExtValue(name: string): string {
  return encodeURIComponent(name).replace(
    /['()*]/g,
    (char) => `%${char.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}
