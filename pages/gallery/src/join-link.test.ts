import { describe, expect, it } from 'vitest';
import { type JoinLinkHost, parseJoinLink, takeJoinLink } from './join-link.ts';

/** One history entry whose URL can be replaced, counting entries as the browser would. */
function fakeHost(hash: string) {
  const entries = [hash];
  const host: JoinLinkHost = {
    location: {
      get hash() {
        return entries.at(-1)!;
      },
    },
    history: {
      state: null,
      replaceState(_state, _unused, url) {
        entries[entries.length - 1] = url;
      },
    },
  };
  return { host, entries };
}

describe('join link', () => {
  it('reads the password from #/join/<password>, percent-decoded', () => {
    expect(parseJoinLink('#/join/abcd-efgh-jkmn')).toBe('abcd-efgh-jkmn');
    expect(parseJoinLink('#/join/p%C3%A4ss%20w%2Fo')).toBe('päss w/o');
    expect(parseJoinLink('#/join/abcd/')).toBe('abcd');
  });

  it('is no join link without a password, or with a broken escape', () => {
    expect(parseJoinLink('#/join/')).toBeUndefined();
    expect(parseJoinLink('#/join/%E0%A4%A')).toBeUndefined();
    expect(parseJoinLink('#/media/abcd')).toBeUndefined();
    expect(parseJoinLink('')).toBeUndefined();
  });

  it('takes the password out of the address bar in the same history entry', () => {
    const { host, entries } = fakeHost('#/join/abcd-efgh-jkmn');
    expect(takeJoinLink(host)).toEqual({ password: 'abcd-efgh-jkmn' });
    expect(entries).toEqual(['#/']);
  });

  it('removes a malformed join link too, reporting no password', () => {
    const { host, entries } = fakeHost('#/join/%E0%A4%A');
    expect(takeJoinLink(host)).toEqual({ password: undefined });
    expect(entries).toEqual(['#/']);
  });

  it('leaves every other URL alone', () => {
    const { host, entries } = fakeHost('#/media/p1');
    expect(takeJoinLink(host)).toBeUndefined();
    expect(entries).toEqual(['#/media/p1']);
  });
});
