// Login rate limits: one per client (IPv4 address, IPv6 /64) and one for the whole gallery.
//
// What a real crowd needs (measured in login-limits.test.ts, which logs 200 guests in
// through the real route and both real limiters): 200 guests within ten minutes, one in
// five mistyping once, is 240 attempts. Spread over the ten minutes that is 24 a minute;
// the worst case is everyone scanning the QR code shown at the dinner in the same minute:
// 240 in one 60-s window. So:
// - per client, 30 a minute (LOGIN_LIMITER): a venue's Wi-Fi puts every guest behind one
//   IPv4 address, and 24 a minute must pass there; a single host gets 43,200 guesses a day.
// - gallery-wide, 300 a minute (LOGIN_CEILING): the worst burst fits with 25 % to spare,
//   and a guesser spread over many addresses gets no more than 300 a minute, 157.7 million
//   a year — which is what the startup warning below measures passwords against.

/** One window of both limiters (wrangler.jsonc: "simple": { "period": 60 }). */
export const LOGIN_WINDOW_SECONDS = 60;
export const LOGIN_CEILING_PER_WINDOW = 300;

/**
 * The limiter key of a client address: an IPv4 address as it is, an IPv6 address by its
 * /64 (one host is given a whole /64 and may use any address in it). An IPv4-mapped IPv6
 * address counts as the IPv4 address. Anything unparseable shares one key.
 */
export function clientKey(address: string | undefined): string {
  const text = address?.trim() ?? '';
  const v4 = parseIPv4(text);
  if (v4 !== undefined) return `ip4:${v4}`;
  const v6 = parseIPv6(text);
  if (v6 === undefined) return 'unknown';
  if (v6.slice(0, 5).every((group) => group === 0) && v6[5] === 0xffff) {
    return `ip4:${v6[6]! >> 8}.${v6[6]! & 255}.${v6[7]! >> 8}.${v6[7]! & 255}`;
  }
  return `ip6:${v6
    .slice(0, 4)
    .map((group) => group.toString(16))
    .join(':')}::/64`;
}

function parseIPv4(text: string): string | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  if (!parts.every((part) => /^(0|[1-9][0-9]{0,2})$/.test(part) && Number(part) <= 255)) {
    return undefined;
  }
  return parts.join('.');
}

/** Eight 16-bit groups, or undefined. Zone ids (`%eth0`) are dropped. */
function parseIPv6(input: string): number[] | undefined {
  const text = input.replace(/%.*$/, '').toLowerCase();
  if (!text.includes(':') || !/^[0-9a-f:.]+$/.test(text)) return undefined;
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const groupsOf = (half: string): number[] | undefined => {
    if (half === '') return [];
    const out: number[] = [];
    const pieces = half.split(':');
    for (let i = 0; i < pieces.length; i++) {
      const piece = pieces[i]!;
      if (i === pieces.length - 1 && piece.includes('.')) {
        const v4 = parseIPv4(piece);
        if (v4 === undefined) return undefined;
        const [a, b, c, d] = v4.split('.').map(Number) as [number, number, number, number];
        out.push((a << 8) | b, (c << 8) | d);
      } else if (/^[0-9a-f]{1,4}$/.test(piece)) {
        out.push(Number.parseInt(piece, 16));
      } else {
        return undefined;
      }
    }
    return out;
  };
  const head = groupsOf(halves[0]!);
  const tail = halves.length === 2 ? groupsOf(halves[1]!) : [];
  if (head === undefined || tail === undefined) return undefined;
  if (halves.length === 1) return head.length === 8 ? head : undefined;
  const missing = 8 - head.length - tail.length;
  if (missing < 1) return undefined;
  return [...head, ...new Array<number>(missing).fill(0), ...tail];
}

/** Guesses a distributed guesser gets in a year at the gallery-wide ceiling. */
export const CEILING_GUESSES_PER_YEAR =
  (LOGIN_CEILING_PER_WINDOW * (365 * 24 * 3600)) / LOGIN_WINDOW_SECONDS;

// People choose passwords far from random: demand a margin of 2^13 over an exhaustive
// search at the ceiling (log2 157.7 M ≈ 27.2 bits, so 40 bits: nine lowercase letters, or
// seven of mixed case and digits, pass; "rosewood" does not).
const MARGIN_BITS = 13;

/** Bits of a random password of this length over the character classes it uses. */
function naiveBits(password: string): number {
  let pool = 0;
  if (/[a-z]/.test(password)) pool += 26;
  if (/[A-Z]/.test(password)) pool += 26;
  if (/[0-9]/.test(password)) pool += 10;
  if (/[^a-zA-Z0-9]/.test(password)) pool += 33;
  return pool === 0 ? 0 : [...password].length * Math.log2(pool);
}

export function isGuessable(password: string): boolean {
  return naiveBits(password) < Math.log2(CEILING_GUESSES_PER_YEAR) + MARGIN_BITS;
}

const warned = new Set<string>();

/**
 * Logs once per isolate and password (at the first request, when the environment is
 * validated) that a password is short enough to guess under the limits. Never the value.
 */
export function warnAboutGuessablePasswords(passwords: Record<string, string | undefined>): void {
  for (const [name, value] of Object.entries(passwords)) {
    if (value === undefined || value === '' || !isGuessable(value)) continue;
    const seen = `${name}\n${value}`;
    if (warned.has(seen)) continue;
    warned.add(seen);
    // Neither the value nor its length: only that it is too weak.
    console.warn(
      `viewer: ${name} is short enough to guess: ${LOGIN_CEILING_PER_WINDOW} guesses a minute ` +
        '(the gallery-wide login ceiling) could find it within a year; use a longer one ' +
        '(a join link or QR code saves guests typing it)',
    );
  }
}
