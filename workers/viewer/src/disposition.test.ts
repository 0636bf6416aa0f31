import { describe, expect, it } from 'vitest';
import { attachment, fileName } from './disposition.ts';

/** The two names of a header value, checked against the grammar a browser parses. */
function names(header: string): { fallback: string; name: string } {
  const match =
    /^attachment; filename="([ !#$&'()+\-.0-9=@A-Z[\]^_`a-z{}~]*)"; filename\*=UTF-8''([A-Za-z0-9!#$&+\-.^_`|~%]+)$/.exec(
      header,
    );
  if (!match) throw new Error(`not a safe Content-Disposition: ${header}`);
  return { fallback: match[1]!, name: decodeURIComponent(match[2]!) };
}

describe('download file names', () => {
  it('is the title with the extension of the key', () => {
    expect(fileName('First dance', 'originals/p1.JPG')).toBe('First dance.jpg');
    expect(fileName('Toast', 'originals/v/clip.mp4')).toBe('Toast.mp4');
  });

  it('does not repeat an extension the title already has', () => {
    expect(fileName('IMG_0001.JPG', 'originals/p1.jpg')).toBe('IMG_0001.JPG');
  });

  it('falls back to the name in the key when there is no usable title', () => {
    for (const title of [null, '', '   ', '"/\\"', '...']) {
      expect(fileName(title, 'originals/p1.jpg'), String(title)).toBe('p1.jpg');
    }
    expect(fileName(null, 'originals/Fête 東京.JPG')).toBe('Fête 東京.jpg');
    expect(fileName(null, 'originals/.jpg')).toBe('download.jpg');
  });

  it('keeps a key without an extension as it is', () => {
    expect(fileName('Sun', 'originals/stored-type')).toBe('Sun');
    expect(fileName(null, 'originals/stored-type')).toBe('stored-type');
  });

  it.each([
    ['He said "cheers"', 'He said cheers.jpg'],
    ['a/b\\c:d*e?f<g>h|i', 'a b c d e f g h i.jpg'],
    ['../../etc/passwd', 'etc passwd.jpg'],
    ['Line one\r\nSet-Cookie: x=1', 'Line one Set-Cookie x=1.jpg'],
    ['tab\tnul\u0000del\u007f', 'tab nul del.jpg'],
    ['line\u2028separator', 'line separator.jpg'],
    ['photo\u202egpj.exe', 'photo gpj.exe.jpg'],
    ['.hidden', 'hidden.jpg'],
    ['trailing dots... ', 'trailing dots.jpg'],
    ['lone \ud800 surrogate', 'lone surrogate.jpg'],
    ['Cafe\u0301', 'Café.jpg'],
  ])('makes %j safe: %j', (title, expected) => {
    expect(fileName(title, 'originals/p1.jpg')).toBe(expected);
  });

  it('cuts a very long title to 100 characters before the extension', () => {
    expect(fileName('é'.repeat(300), 'originals/p1.jpg')).toBe(`${'é'.repeat(100)}.jpg`);
    expect(Array.from(fileName('🎉'.repeat(300), 'originals/p1.jpg'))).toHaveLength(104);
  });
});

describe('Content-Disposition', () => {
  it.each([
    ['First dance', 'First dance.jpg', 'First dance.jpg'],
    ['Hochzeit – Café 東京 🎉', 'Hochzeit – Café 東京 🎉.jpg', 'Hochzeit _ Cafe _ _.jpg'],
    ['100% "fun"; (a, b) *', '100% fun ; (a, b).jpg', '100_ fun _ (a_ b).jpg'],
    ["it's\r\nX-Injected: 1", "it's X-Injected 1.jpg", "it's X-Injected 1.jpg"],
  ])('for %j: the UTF-8 name %j, the ASCII fallback %j', (title, name, fallback) => {
    const header = attachment(title, 'originals/p1.jpg');
    expect(names(header)).toEqual({ name, fallback });
    // A header a Response accepts: no CR, LF or NUL survived.
    expect(new Headers({ 'Content-Disposition': header }).get('Content-Disposition')).toBe(header);
  });

  it('percent-encodes what RFC 8187 does not allow bare', () => {
    expect(attachment("a'(b)*", 'originals/p1.jpg')).toBe(
      `attachment; filename="a'(b).jpg"; filename*=UTF-8''a%27%28b%29.jpg`,
    );
  });
});
