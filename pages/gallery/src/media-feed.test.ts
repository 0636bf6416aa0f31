import { describe, expect, it } from 'vitest';
import type { MediaItem, MediaPage } from './api.ts';
import { createMediaFeed, type ListPage } from './media-feed.ts';

const item = (id: string): MediaItem => ({
  id,
  kind: 'image',
  title: id,
  takenAt: '2026-06-01T12:00:00Z',
  width: 3,
  height: 2,
  thumbnailUrl: `http://viewer.test/t/${id}`,
  thumbnails: [{ url: `http://viewer.test/t/${id}`, width: 3 }],
  fileUrl: `http://viewer.test/f/${id}`,
  downloadUrl: `http://viewer.test/f/${id}?download=1`,
});

/** A viewer holding `ids`, answering keyset pages whose cursor is the last id served. */
function fakeListing(ids: string[]) {
  const requests: { cursor: string | null; limit: number }[] = [];
  const listPage: ListPage = async ({ cursor, limit }) => {
    requests.push({ cursor, limit });
    const start = cursor === null ? 0 : ids.indexOf(cursor) + 1;
    const slice = ids.slice(start, start + limit);
    const last = slice.at(-1);
    const nextCursor = start + limit < ids.length && last !== undefined ? last : null;
    return { items: slice.map(item), nextCursor, expiresAt: null };
  };
  return { listPage, requests };
}

const ids = (items: readonly MediaItem[]) => items.map((i) => i.id);

describe('media feed (keyset pagination)', () => {
  it('asks for a small first page and larger ones after it', async () => {
    const { listPage, requests } = fakeListing(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    const feed = createMediaFeed(listPage, 2, 4);
    await feed.loadMore();
    await feed.loadMore();
    expect(ids(feed.items)).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    expect(requests.map((r) => r.limit)).toEqual([2, 4]);
  });

  it('loads pages in order, passing each next cursor', async () => {
    const { listPage, requests } = fakeListing(['a', 'b', 'c', 'd', 'e']);
    const feed = createMediaFeed(listPage, 2);
    expect(ids(await feed.loadMore())).toEqual(['a', 'b']);
    expect(ids(await feed.loadMore())).toEqual(['c', 'd']);
    expect(ids(await feed.loadMore())).toEqual(['e']);
    expect(requests).toEqual([
      { cursor: null, limit: 2 },
      { cursor: 'b', limit: 2 },
      { cursor: 'd', limit: 2 },
    ]);
    expect(ids(feed.items)).toEqual(['a', 'b', 'c', 'd', 'e']);
  });

  it('stops asking once there is no next cursor', async () => {
    const { listPage, requests } = fakeListing(['a']);
    const feed = createMediaFeed(listPage, 10);
    await feed.loadMore();
    expect(feed.done).toBe(true);
    expect(await feed.loadMore()).toEqual([]);
    expect(requests).toHaveLength(1);
  });

  it('shares one request between overlapping calls (scroll events race)', async () => {
    const { listPage, requests } = fakeListing(['a', 'b', 'c']);
    const feed = createMediaFeed(listPage, 2);
    const [first, second] = await Promise.all([feed.loadMore(), feed.loadMore()]);
    expect(first).toBe(second);
    expect(requests).toHaveLength(1);
    expect(feed.loading).toBe(false);
  });

  it('retries the same page after a failure', async () => {
    const { listPage, requests } = fakeListing(['a', 'b', 'c']);
    let fail = true;
    const flaky: ListPage = (options) =>
      fail ? Promise.reject(new Error('offline')) : listPage(options);
    const feed = createMediaFeed(flaky, 2);
    await expect(feed.loadMore()).rejects.toThrow('offline');
    expect(feed.items).toEqual([]);
    fail = false;
    expect(ids(await feed.loadMore())).toEqual(['a', 'b']);
    expect(requests[0]?.cursor).toBeNull();
  });

  it('never lists an item twice', async () => {
    const pages: MediaPage[] = [
      { items: [item('a'), item('b')], nextCursor: 'b', expiresAt: null },
      { items: [item('b'), item('c')], nextCursor: null, expiresAt: null },
    ];
    const feed = createMediaFeed(async () => pages.shift()!, 2);
    await feed.loadMore();
    expect(ids(await feed.loadMore())).toEqual(['c']);
    expect(ids(feed.items)).toEqual(['a', 'b', 'c']);
    expect(feed.indexOf('c')).toBe(2);
  });

  it('ends on a cursor that does not move instead of looping', async () => {
    let calls = 0;
    const feed = createMediaFeed(async () => {
      calls++;
      return { items: [item(`x${calls}`)], nextCursor: 'same', expiresAt: null };
    }, 1);
    await feed.loadMore();
    await feed.loadMore();
    expect(feed.done).toBe(true);
    expect(calls).toBe(2);
  });

  it('tells subscribers about new items only', async () => {
    const { listPage } = fakeListing(['a', 'b', 'c']);
    const feed = createMediaFeed(listPage, 2);
    const batches: string[][] = [];
    feed.subscribe((added) => batches.push(ids(added)));
    await feed.loadMore();
    await feed.loadMore();
    await feed.loadMore();
    expect(batches).toEqual([['a', 'b'], ['c']]);
  });

  describe('find (opening a shared link to an item further down)', () => {
    it('loads pages until the item shows up', async () => {
      const { listPage, requests } = fakeListing(['a', 'b', 'c', 'd', 'e', 'f']);
      const feed = createMediaFeed(listPage, 2);
      expect(await feed.find('d')).toBe(3);
      expect(requests).toHaveLength(2);
    });

    it('answers -1 for an unknown item after the last page', async () => {
      const { listPage, requests } = fakeListing(['a', 'b', 'c']);
      const feed = createMediaFeed(listPage, 2);
      expect(await feed.find('zz')).toBe(-1);
      expect(requests).toHaveLength(2);
    });

    it('gives up after the page limit', async () => {
      const { listPage, requests } = fakeListing(['a', 'b', 'c', 'd', 'e', 'f']);
      const feed = createMediaFeed(listPage, 1);
      expect(await feed.find('f', 3)).toBe(-1);
      expect(requests).toHaveLength(3);
    });

    it('does not fetch when the item is already loaded', async () => {
      const { listPage, requests } = fakeListing(['a', 'b']);
      const feed = createMediaFeed(listPage, 5);
      await feed.loadMore();
      expect(await feed.find('b')).toBe(1);
      expect(requests).toHaveLength(1);
    });
  });
});
