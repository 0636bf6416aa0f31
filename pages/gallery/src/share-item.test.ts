import { describe, expect, it, vi } from 'vitest';
import { itemLink, type ShareHost, shareLink, shareMessage } from './share-item.ts';

const data = { url: 'https://p.example/#/media/a%2Fb', title: 'Cake' };

describe('share one item', () => {
  it('links to the item’s route on the page, without query or previous fragment', () => {
    expect(itemLink('https://p.example/?x=1#/media/old', 'a/b')).toBe(
      'https://p.example/#/media/a%2Fb',
    );
    expect(itemLink('https://p.example/wedding/#/', 'p1')).toBe(
      'https://p.example/wedding/#/media/p1',
    );
  });

  it('uses the share sheet where the browser has one', async () => {
    const host: ShareHost = { share: vi.fn(async () => {}), canShare: () => true };
    expect(await shareLink(host, data)).toBe('shared');
    expect(host.share).toHaveBeenCalledWith(data);
  });

  it('says nothing when the guest closes the share sheet', async () => {
    const clipboard = { writeText: vi.fn(async () => {}) };
    const host: ShareHost = {
      share: async () => {
        throw new DOMException('closed', 'AbortError');
      },
      clipboard,
    };
    expect(await shareLink(host, data)).toBe('cancelled');
    expect(clipboard.writeText).not.toHaveBeenCalled();
    expect(shareMessage('cancelled')).toBeUndefined();
  });

  it('copies the link elsewhere, and when sharing is refused', async () => {
    const clipboard = { writeText: vi.fn(async () => {}) };
    expect(await shareLink({ clipboard }, data)).toBe('copied');
    const refused: ShareHost = {
      share: async () => {
        throw new DOMException('no activation', 'NotAllowedError');
      },
      clipboard,
    };
    expect(await shareLink(refused, data)).toBe('copied');
    expect(clipboard.writeText).toHaveBeenCalledWith(data.url);
    expect(shareMessage('copied')).toMatch(/Link copied.*password/);
  });

  it('reports a clipboard that refuses too', async () => {
    const clipboard = { writeText: async () => Promise.reject(new Error('denied')) };
    expect(await shareLink({ clipboard }, data)).toBe('failed');
    expect(await shareLink({}, data)).toBe('failed');
    expect(shareMessage('failed')).toMatch(/address bar/);
  });
});
