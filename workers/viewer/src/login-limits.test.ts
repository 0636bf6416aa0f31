import { env } from 'cloudflare:workers';
import { describe, expect, it, vi } from 'vitest';
import { call, callWith, clientAddress } from '../test/visitor.ts';
import {
  CEILING_GUESSES_PER_YEAR,
  clientKey,
  isGuessable,
  LOGIN_CEILING_PER_WINDOW,
  warnAboutGuessablePasswords,
} from './login-limits.ts';

describe('clientKey', () => {
  it.each([
    ['198.51.100.7', 'ip4:198.51.100.7'],
    [' 198.51.100.7 ', 'ip4:198.51.100.7'],
    ['2001:db8:1:2:3:4:5:6', 'ip6:2001:db8:1:2::/64'],
    ['2001:db8:1:2::ffff', 'ip6:2001:db8:1:2::/64'],
    ['2001:DB8:1:2:aaaa:bbbb:cccc:dddd', 'ip6:2001:db8:1:2::/64'],
    ['2001:0db8:0001:0002:0:0:0:1', 'ip6:2001:db8:1:2::/64'],
    ['2001:db8::1', 'ip6:2001:db8:0:0::/64'],
    ['::1', 'ip6:0:0:0:0::/64'],
    ['fe80::1%eth0', 'ip6:fe80:0:0:0::/64'],
    ['::ffff:198.51.100.7', 'ip4:198.51.100.7'],
    ['::ffff:c633:6407', 'ip4:198.51.100.7'],
    [undefined, 'unknown'],
    ['', 'unknown'],
    ['not an address', 'unknown'],
    ['1.2.3', 'unknown'],
    ['256.1.1.1', 'unknown'],
    ['2001:db8::1::2', 'unknown'],
    ['2001:db8:1:2:3:4:5:6:7', 'unknown'],
  ])('%j → %s', (address, key) => {
    expect(clientKey(address)).toBe(key);
  });

  it('gives every address of one /64 one key, and the next /64 another', () => {
    const keys = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const random = () => Math.floor(Math.random() * 0x10000).toString(16);
      keys.add(clientKey(`2001:db8:aa:bb:${random()}:${random()}:${random()}:${random()}`));
    }
    expect([...keys]).toEqual(['ip6:2001:db8:aa:bb::/64']);
    expect(clientKey('2001:db8:aa:bc::1')).not.toBe(clientKey('2001:db8:aa:bb::1'));
  });
});

const attempt = (address: string, password = 'wrong', overrides: Record<string, unknown> = {}) =>
  callWith(overrides, '/login', {
    method: 'POST',
    headers: { 'Content-Type': 'application/json', 'CF-Connecting-IP': address },
    body: JSON.stringify({ password }),
  });

/**
 * Attempts from `addressOf(i)` until the first 429 (at most 2 × limit + 1): how many were
 * let through. The limiters' windows are aligned to the wall clock, so a run that crosses
 * a minute gets up to twice the limit; within one minute it is exactly the limit.
 */
async function letThrough(
  addressOf: (i: number) => string,
  limit: number,
  overrides: Record<string, unknown> = {},
): Promise<{ passed: number; sameWindow: boolean; refusal: Response | undefined }> {
  const minute = Math.floor(Date.now() / 60_000);
  for (let i = 0; i <= 2 * limit; i++) {
    const response = await attempt(addressOf(i), 'wrong', overrides);
    if (response.status === 429) {
      return {
        passed: i,
        sameWindow: Math.floor(Date.now() / 60_000) === minute,
        refusal: response,
      };
    }
    expect(response.status).toBe(401);
  }
  return { passed: 2 * limit + 1, sameWindow: false, refusal: undefined };
}

describe('login limits', () => {
  it('limits a whole IPv6 /64 as one client: rotating the address does not help', async () => {
    const group = () => ((Math.random() * 0xfff) | 0x1000).toString(16);
    const prefix = `2001:db8:${group()}:${group()}`;
    const { passed, sameWindow, refusal } = await letThrough((i) => `${prefix}::${i + 1}`, 30);
    expect(refusal?.status).toBe(429);
    expect(passed).toBeGreaterThanOrEqual(30);
    if (sameWindow) expect(passed).toBe(30);
    expect(refusal?.headers.get('Retry-After')).toBe('60');
    expect(await refusal?.json()).toEqual({ error: 'rate-limited' });
    // The right password is refused too once over the limit: no oracle for guesses.
    const limited = await attempt(`${prefix}:ffff:ffff:ffff:ffff`, env.GALLERY_PASSWORD);
    if (sameWindow) expect(limited.status).toBe(429);
    // Another /64 is another client.
    const other = `2001:db8:${group()}:${group()}::1`;
    expect((await attempt(other, env.GALLERY_PASSWORD)).status).toBe(200);
  });

  it('limits an IPv4 client by its address, and its IPv4-mapped form with it', async () => {
    const address = clientAddress();
    const { passed, sameWindow, refusal } = await letThrough(
      (i) => (i % 2 === 0 ? address : `::ffff:${address}`),
      30,
    );
    expect(refusal?.status).toBe(429);
    if (sameWindow) expect(passed).toBe(30);
  });

  it('lets 200 guests in from 200 addresses in one go, 40 of them retyping once', async () => {
    // The measurement behind the limits (login-limits.ts): the worst case is every guest
    // signing in in the same minute, 240 attempts. A ceiling binding of its own with
    // LOGIN_CEILING's limits, so that this test spends none of the one other tests share.
    const ceiling = {
      LOGIN_CEILING: (env as unknown as { TEST_LOGIN_CEILING: RateLimit }).TEST_LOGIN_CEILING,
    };
    let attempts = 0;
    for (let guest = 0; guest < 200; guest++) {
      const address = clientAddress();
      if (guest % 5 === 0) {
        attempts++;
        expect((await attempt(address, 'wrong', ceiling)).status).toBe(401);
      }
      attempts++;
      expect((await attempt(address, env.GALLERY_PASSWORD, ceiling)).status).toBe(200);
    }
    expect(attempts).toBe(240);
    expect(attempts).toBeLessThanOrEqual(LOGIN_CEILING_PER_WINDOW * 0.8);
  });

  it('refuses everyone, the right password too, once the gallery-wide ceiling is spent', async () => {
    // A ceiling of 3 a minute (TEST_SMALL_CEILING): the same code path, spent in three calls.
    const ceiling = {
      LOGIN_CEILING: (env as unknown as { TEST_SMALL_CEILING: RateLimit }).TEST_SMALL_CEILING,
    };
    const { passed, sameWindow, refusal } = await letThrough(() => clientAddress(), 3, ceiling);
    expect(refusal?.status).toBe(429);
    if (sameWindow) expect(passed).toBe(3);
    expect(refusal?.headers.get('Retry-After')).toBe('60');
    if (sameWindow) {
      const right = await attempt(clientAddress(), env.GALLERY_PASSWORD, ceiling);
      expect(right.status).toBe(429);
      expect(right.headers.getSetCookie()).toEqual([]);
    }
  });
});

describe('guessable passwords', () => {
  it('measures passwords against a year of guesses at the ceiling', () => {
    expect(Math.round(CEILING_GUESSES_PER_YEAR)).toBe(157_680_000);
    for (const weak of ['', 'test', 'rosewood', 'wedding', 'rose1', '12345678901']) {
      expect(isGuessable(weak), weak).toBe(true);
    }
    for (const strong of ['rosewood-lake', 'annaandben', 'Anna&Ben-2024', 'x7Kq9mZ2p']) {
      expect(isGuessable(strong), strong).toBe(false);
    }
  });

  it('warns once per password, naming the variable and never the value', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const weak = `pw${Math.random().toString(36).slice(2, 6)}`;
    for (let i = 0; i < 3; i++) warnAboutGuessablePasswords({ GALLERY_PASSWORD: weak });
    warnAboutGuessablePasswords({ OWNER_PASSWORD: 'a-long-owner-passphrase-2024' });
    expect(warn).toHaveBeenCalledTimes(1);
    const [line] = warn.mock.calls[0]!;
    expect(line).toContain('GALLERY_PASSWORD');
    expect(line).not.toContain(weak);
  });

  it('warns at the first request of a worker with a weak password', async () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});
    const weak = `w${Math.random().toString(36).slice(2, 7)}`;
    await callWith({ GALLERY_PASSWORD: weak }, '/healthz');
    await callWith({ GALLERY_PASSWORD: weak }, '/healthz');
    expect(
      warn.mock.calls.filter(([line]) => String(line).includes('GALLERY_PASSWORD')),
    ).toHaveLength(1);
    expect((await call('/healthz')).status).toBe(200);
  });
});
