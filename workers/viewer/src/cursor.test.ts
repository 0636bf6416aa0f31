import { describe, expect, it } from 'vitest';
import { decodeCursor, encodeCursor, pageOf } from './cursor.ts';

const SECRET = 'cursor-test-secret-0123456789abcdef';
const position = { takenAt: '2024-06-01T12:00:00.000Z', id: 'ünïcode/and.dots' };

describe('keyset cursor', () => {
  it('round-trips a position and is URL-safe', async () => {
    const cursor = await encodeCursor(SECRET, position);
    expect(cursor).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{22}$/);
    expect(await decodeCursor(SECRET, cursor)).toEqual(position);
  });

  it('refuses a cursor signed under another secret', async () => {
    const cursor = await encodeCursor(`${SECRET}-old`, position);
    expect(await decodeCursor(SECRET, cursor)).toBeUndefined();
  });

  it('refuses every single-character change', async () => {
    const cursor = await encodeCursor(SECRET, position);
    for (let i = 0; i < cursor.length; i++) {
      const changed = cursor.slice(0, i) + (cursor[i] === 'A' ? 'B' : 'A') + cursor.slice(i + 1);
      expect(await decodeCursor(SECRET, changed), changed).toBeUndefined();
    }
  });

  it('refuses junk without throwing', async () => {
    for (const junk of ['', '.', '..', 'a.b', 'a.b.c', '!!!.???', 'x'.repeat(5000)]) {
      expect(await decodeCursor(SECRET, junk), junk).toBeUndefined();
    }
  });
});

describe('a listing page', () => {
  const rows = ['a', 'b', 'c'].map((id) => ({ taken_at: '2024-06-01T12:00:00.000Z', id }));

  it('keeps limit rows and points the next cursor after the last one kept', async () => {
    const { page, nextCursor } = await pageOf(SECRET, rows, 2);
    expect(page.map((row) => row.id)).toEqual(['a', 'b']);
    expect(await decodeCursor(SECRET, nextCursor!)).toEqual({
      takenAt: rows[1]!.taken_at,
      id: 'b',
    });
  });

  it('has no next cursor when the extra row did not come back', async () => {
    expect(await pageOf(SECRET, rows, 3)).toEqual({ page: rows, nextCursor: null });
    expect(await pageOf(SECRET, [], 3)).toEqual({ page: [], nextCursor: null });
  });
});
