import { describe, expect, it } from 'vitest';
import {
  isVideoId,
  PLAYBACK_TOKEN_PARAMS,
  type PlaybackKey,
  PlaybackTokenError,
  parsePlaybackKeys,
  playbackScope,
  signPlaybackToken,
  verifyPlaybackToken,
} from './playback-token.ts';

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);
const EXP = NOW / 1000 + 3600;
const [k2, k1] = parsePlaybackKeys('k2:second-secret-0123456789,k1:first-secret-0123456789') as [
  PlaybackKey,
  PlaybackKey,
];
const keys = [k2, k1];
const claims = { scope: 'hls/v1/', expiresAt: EXP, bucket: 42 };
const token = signPlaybackToken(claims, k2);
const verify = (query: string, path = 'hls/v1/720p/seg1.m4s', now = NOW) =>
  verifyPlaybackToken(new URLSearchParams(query), keys, { path, now });

function errorOf(run: () => unknown): Error {
  try {
    run();
  } catch (error) {
    return error as Error;
  }
  throw new Error('expected a throw');
}

describe('parsePlaybackKeys', () => {
  it('reads "id:secret" pairs, first one signing; secrets may hold ":"', () => {
    expect(parsePlaybackKeys(' a:0123456789abcdef:x , b_-9:fedcba9876543210 ')).toEqual([
      { id: 'a', secret: '0123456789abcdef:x' },
      { id: 'b_-9', secret: 'fedcba9876543210' },
    ]);
  });

  it.each([
    ['', 'expected'],
    ['k1', "no ':'"],
    ['k1:short', 'at least 16'],
    [':0123456789abcdef', 'key id'],
    ['k 1:0123456789abcdef', 'key id'],
    ['k1:0123456789abcdef,', 'entry 2'],
    ['k1:0123456789abcdef,k1:fedcba9876543210', 'same key id as entry 1'],
  ])('refuses %j, saying why', (value, why) => {
    const error = errorOf(() => parsePlaybackKeys(value));
    expect(error).toBeInstanceOf(PlaybackTokenError);
    expect(error.message).toContain(why);
  });

  it('never puts a secret, a key id or any part of an entry into an error message', () => {
    // A bare secret, the old half of a rotation list, a secret with ',' in it, a short
    // secret, a bad id, a duplicate: the marker stands where the secret text would be.
    const marker = 'M4RKER';
    const values = [
      `${marker}0123456789abcdef`,
      `k2:0123456789abcdef,${marker}0123456789abcdef`,
      `k1:0123456789,${marker}abcdef`,
      `k1:${marker}`,
      `k1:0123456789abcdef,${marker} x:0123456789abcdef`,
      `${marker}:0123456789abcdef,${marker}:fedcba9876543210`,
      `k1:${marker}0123456789abcdef,k1:${marker}0123456789abcdef`,
    ];
    for (const value of values) {
      const error = errorOf(() => parsePlaybackKeys(value));
      expect(error).toBeInstanceOf(PlaybackTokenError);
      expect(`${error.message} ${error.stack}`, value).not.toContain(marker);
    }
  });
});

describe('video ids and their scope', () => {
  it.each(['abc', 'abc_1.x', 'A-b', '_', `a${'.'.repeat(127)}`])('accepts %j', (id) => {
    expect(isVideoId(id)).toBe(true);
    expect(playbackScope(id)).toBe(`hls/${id}/`);
    // Every id it accepts makes a scope the signer takes.
    expect(() => signPlaybackToken({ ...claims, scope: playbackScope(id) }, k2)).not.toThrow();
  });

  it.each(['', '.', '..', '.abc', 'a/b', 'a%2Fb', 'a\\b', 'a b', 'ü', 'x'.repeat(129)])(
    'refuses %j',
    (id) => {
      expect(isVideoId(id)).toBe(false);
      expect(errorOf(() => playbackScope(id))).toBeInstanceOf(PlaybackTokenError);
    },
  );
});

describe('signPlaybackToken', () => {
  it('writes the contract query: scope, exp, bucket, kid, sig (43 base64url characters)', () => {
    expect(token).toMatch(/^scope=hls%2Fv1%2F&exp=\d+&bucket=42&kid=k2&sig=[A-Za-z0-9_-]{43}$/);
    expect([...new URLSearchParams(token).keys()]).toEqual([...PLAYBACK_TOKEN_PARAMS]);
  });

  it('is deterministic and differs per key, scope, expiry and bucket', () => {
    expect(signPlaybackToken(claims, k2)).toBe(token);
    const sig = (query: string) => new URLSearchParams(query).get('sig');
    const others = [
      signPlaybackToken(claims, k1),
      signPlaybackToken({ ...claims, scope: 'hls/v2/' }, k2),
      signPlaybackToken({ ...claims, expiresAt: EXP + 1 }, k2),
      signPlaybackToken({ ...claims, bucket: 43 }, k2),
    ].map(sig);
    expect(new Set([sig(token), ...others]).size).toBe(5);
  });

  it.each([
    [{ ...claims, scope: 'hls/v1' }],
    [{ ...claims, scope: 'hls/../' }],
    [{ ...claims, scope: 'hls/./' }],
    [{ ...claims, scope: 'hls/a/b/' }],
    [{ ...claims, scope: 'originals/' }],
    [{ ...claims, scope: 'hls/a%2F/' }],
    [{ ...claims, expiresAt: 1.5 }],
    [{ ...claims, expiresAt: -1 }],
    [{ ...claims, bucket: 100 }],
    [{ ...claims, bucket: -1 }],
    [{ ...claims, bucket: 0.5 }],
  ])('refuses claims %j', (bad) => {
    expect(errorOf(() => signPlaybackToken(bad, k2))).toBeInstanceOf(PlaybackTokenError);
  });
});

describe('verifyPlaybackToken', () => {
  it('accepts a token for any path inside its scope and returns claims and the canonical query', () => {
    for (const path of ['hls/v1/master.m3u8', 'hls/v1/720p/seg1.m4s', 'hls/v1/720p/init.mp4']) {
      expect(verify(token, path)).toEqual({
        ok: true,
        claims: { scope: 'hls/v1/', expiresAt: EXP, bucket: 42, keyId: 'k2' },
        query: token,
      });
    }
  });

  it('accepts tokens of every listed key (rotation) and ignores other parameters', () => {
    expect(verify(signPlaybackToken(claims, k1)).ok).toBe(true);
    expect(verify(`key=v1&${token}&_HLS_msn=3`).ok).toBe(true);
  });

  it('gives the canonical query whatever the order and encoding it arrived in', () => {
    const p = new URLSearchParams(token);
    const shuffled = `sig=${p.get('sig')}&kid=k2&bucket=42&exp=${EXP}&scope=hls/v1/`;
    expect(verify(shuffled)).toMatchObject({ ok: true, query: token });
  });

  const replaced = (name: string, value: string) => {
    const p = new URLSearchParams(token);
    p.set(name, value);
    return p.toString();
  };
  it.each([
    ['a missing parameter', token.replace(/&bucket=42/, ''), 'malformed'],
    ['a duplicated parameter', `${token}&bucket=1`, 'malformed'],
    ['a duplicated scope', `scope=hls%2Fv2%2F&${token}`, 'malformed'],
    ['a scope that is not hls/<id>/', replaced('scope', 'hls/'), 'malformed'],
    ['a traversing scope', replaced('scope', 'hls/../'), 'malformed'],
    ['a nested scope', replaced('scope', 'hls/v1/720p/'), 'malformed'],
    ['a non-canonical expiry', replaced('exp', `0${EXP}`), 'malformed'],
    ['a non-numeric expiry', replaced('exp', '1e10'), 'malformed'],
    ['a bucket over 99', replaced('bucket', '100'), 'malformed'],
    ['a non-canonical bucket', replaced('bucket', '042'), 'malformed'],
    ['a short signature', replaced('sig', 'abc'), 'malformed'],
    ['padded base64', replaced('sig', `${new URLSearchParams(token).get('sig')}=`), 'malformed'],
    ['an unknown key id', replaced('kid', 'k9'), 'unknown-key'],
    ['a bad key id', replaced('kid', 'k/1'), 'malformed'],
    ['another scope', replaced('scope', 'hls/v2/'), 'bad-signature'],
    ['a later expiry', replaced('exp', String(EXP + 1)), 'bad-signature'],
    ['another bucket', replaced('bucket', '7'), 'bad-signature'],
    ['another key id', replaced('kid', 'k1'), 'bad-signature'],
    [
      'a changed signature',
      replaced('sig', `A${new URLSearchParams(token).get('sig')!.slice(1)}`),
      'bad-signature',
    ],
  ])('rejects %s', (_name, query, reason) => {
    expect(verify(query)).toEqual({ ok: false, reason });
  });

  it('rejects a token at and after its expiry second', () => {
    expect(verify(token, undefined, EXP * 1000 - 1).ok).toBe(true);
    expect(verify(token, undefined, EXP * 1000)).toEqual({ ok: false, reason: 'expired' });
  });

  it('checks the signature before the expiry', () => {
    const forged = replaced('exp', String(NOW / 1000 - 10));
    expect(verify(forged)).toEqual({ ok: false, reason: 'bad-signature' });
  });

  it.each([
    'hls/v2/master.m3u8',
    'hls/v10/master.m3u8',
    'hls/v1',
    'originals/x.jpg',
    'hls/v1/../v2/master.m3u8',
    'hls/v1/./x',
    'hls/v1/720p/..',
    'hls/v1/a\\..\\..\\v2',
    '/hls/v1/master.m3u8',
  ])('rejects path %j as out of scope', (path) => {
    expect(verify(token, path)).toEqual({ ok: false, reason: 'out-of-scope' });
  });

  it('rejects everything when no key is configured', () => {
    expect(
      verifyPlaybackToken(new URLSearchParams(token), [], { path: 'hls/v1/x', now: NOW }),
    ).toEqual({
      ok: false,
      reason: 'unknown-key',
    });
  });
});
