// Walks an HLS attribute-list (RFC 8216bis §4.2: NAME=value pairs separated by commas,
// where a quoted-string value may itself contain commas) in place, by offsets into the
// playlist text: no substrings, no regular expressions, one step per character.

export class AttributeCursor {
  nameStart = 0;
  nameEnd = 0;
  /** The value's bounds; for a quoted-string, the text between the quotes. */
  valueStart = 0;
  valueEnd = 0;
  quoted = false;
  private readonly text: string;
  private at = 0;
  private end = 0;

  constructor(text: string) {
    this.text = text;
  }

  /** Starts on the attribute-list text[start, end). */
  reset(start: number, end: number): void {
    this.at = start;
    this.end = end;
  }

  /** Moves to the next attribute; false at the end or where the list is malformed. */
  next(): boolean {
    const { text, end } = this;
    let i = this.at;
    while (i < end && isBlank(text.charCodeAt(i))) i++;
    if (i >= end) return false;
    this.nameStart = i;
    while (i < end && text.charCodeAt(i) !== 0x3d /* = */) {
      if (text.charCodeAt(i) === 0x2c /* , */) return false; // a name without a value
      i++;
    }
    if (i >= end) return false;
    let nameEnd = i;
    while (nameEnd > this.nameStart && isBlank(text.charCodeAt(nameEnd - 1))) nameEnd--;
    this.nameEnd = nameEnd;
    i++;
    if (i < end && text.charCodeAt(i) === 0x22 /* " */) {
      const open = i;
      i++;
      while (i < end && text.charCodeAt(i) !== 0x22) i++;
      if (i >= end) return false; // unterminated quoted-string
      this.quoted = true;
      this.valueStart = open + 1;
      this.valueEnd = i;
      while (i < end && text.charCodeAt(i) !== 0x2c) i++;
    } else {
      this.quoted = false;
      this.valueStart = i;
      while (i < end && text.charCodeAt(i) !== 0x2c) i++;
      let valueEnd = i;
      while (valueEnd > this.valueStart && isBlank(text.charCodeAt(valueEnd - 1))) valueEnd--;
      this.valueEnd = valueEnd;
    }
    this.at = i + 1;
    return true;
  }

  nameIs(name: string): boolean {
    return (
      this.nameEnd - this.nameStart === name.length && this.text.startsWith(name, this.nameStart)
    );
  }

  valueIs(value: string): boolean {
    return (
      this.valueEnd - this.valueStart === value.length &&
      this.text.startsWith(value, this.valueStart)
    );
  }

  value(): string {
    return this.text.slice(this.valueStart, this.valueEnd);
  }
}

export function isBlank(c: number): boolean {
  return c === 0x20 || c === 0x09;
}
