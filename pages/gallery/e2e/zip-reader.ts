import { open } from 'node:fs/promises';
import { crc32 } from 'node:zlib';

// A small reader of the ZIPs the gallery writes (stored entries, data descriptors, ZIP64),
// independent of client-zip: the central directory says where each entry is; its bytes are
// streamed from the file to a callback (no whole-file read: the archives may be 1 GiB).

export type ZipEntry = {
  name: string;
  size: number;
  crc: number;
  dataOffset: number;
  modified: Date;
};

const u16 = (b: Buffer, at: number) => b.readUInt16LE(at);
const u32 = (b: Buffer, at: number) => b.readUInt32LE(at);
const u64 = (b: Buffer, at: number) => Number(b.readBigUInt64LE(at));

export async function readZip(path: string): Promise<ZipEntry[]> {
  const file = await open(path);
  try {
    const { size } = await file.stat();
    const tailLength = Math.min(size, 65_557);
    const tail = Buffer.alloc(tailLength);
    await file.read(tail, 0, tailLength, size - tailLength);
    const eocd = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x05, 0x06]));
    if (eocd < 0) throw new Error('no end of central directory');
    let count = u16(tail, eocd + 10);
    let cdSize = u32(tail, eocd + 12);
    let cdOffset = u32(tail, eocd + 16);
    if (count === 0xffff || cdSize === 0xffffffff || cdOffset === 0xffffffff) {
      const locator = tail.lastIndexOf(Buffer.from([0x50, 0x4b, 0x06, 0x07]));
      const record = Buffer.alloc(56);
      await file.read(record, 0, 56, u64(tail, locator + 8));
      if (u32(record, 0) !== 0x06064b50) throw new Error('bad ZIP64 end record');
      count = u64(record, 32);
      cdSize = u64(record, 40);
      cdOffset = u64(record, 48);
    }
    const cd = Buffer.alloc(cdSize);
    await file.read(cd, 0, cdSize, cdOffset);
    const entries: ZipEntry[] = [];
    for (let at = 0, i = 0; i < count; i++) {
      if (u32(cd, at) !== 0x02014b50) throw new Error(`bad central header ${i}`);
      if (u16(cd, at + 10) !== 0) throw new Error('not stored');
      let sizeField = u32(cd, at + 24);
      let offset = u32(cd, at + 42);
      const nameLength = u16(cd, at + 28);
      const extraLength = u16(cd, at + 30);
      const name = cd.toString('utf8', at + 46, at + 46 + nameLength);
      // ZIP64 extra field: the 0xFFFFFFFF fields, in order (uncompressed, compressed, offset).
      for (let x = at + 46 + nameLength; x < at + 46 + nameLength + extraLength; ) {
        const id = u16(cd, x);
        const length = u16(cd, x + 2);
        if (id === 0x0001) {
          let y = x + 4;
          if (sizeField === 0xffffffff) {
            sizeField = u64(cd, y);
            y += 8;
          }
          if (u32(cd, at + 20) === 0xffffffff) y += 8;
          if (offset === 0xffffffff) offset = u64(cd, y);
        }
        x += 4 + length;
      }
      const time = u16(cd, at + 12);
      const date = u16(cd, at + 14);
      const modified = new Date(
        1980 + (date >> 9),
        ((date >> 5) & 15) - 1,
        date & 31,
        time >> 11,
        (time >> 5) & 63,
        (time & 31) * 2,
      );
      const local = Buffer.alloc(30);
      await file.read(local, 0, 30, offset);
      if (u32(local, 0) !== 0x04034b50) throw new Error(`bad local header for ${name}`);
      const dataOffset = offset + 30 + u16(local, 26) + u16(local, 28);
      entries.push({ name, size: sizeField, crc: u32(cd, at + 16), dataOffset, modified });
      at += 46 + nameLength + extraLength + u16(cd, at + 32);
    }
    return entries;
  } finally {
    await file.close();
  }
}

/** Streams an entry's bytes (1 MiB at a time) and checks its CRC-32 against the directory. */
export async function readEntry(
  path: string,
  entry: ZipEntry,
  onChunk: (chunk: Buffer) => void,
): Promise<void> {
  const file = await open(path);
  try {
    const chunk = Buffer.alloc(1 << 20);
    let crc = 0;
    for (let done = 0; done < entry.size; ) {
      const { bytesRead } = await file.read(
        chunk,
        0,
        Math.min(chunk.length, entry.size - done),
        entry.dataOffset + done,
      );
      if (bytesRead === 0) throw new Error(`${entry.name}: archive ends early`);
      const part = chunk.subarray(0, bytesRead);
      crc = crc32(part, crc);
      onChunk(part);
      done += bytesRead;
    }
    if (crc !== entry.crc) throw new Error(`${entry.name}: CRC-32 mismatch`);
  } finally {
    await file.close();
  }
}
