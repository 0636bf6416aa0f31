import { AwsClient } from 'aws4fetch';
import { describe, expect, it } from 'vitest';
import { signedByAws4fetch as oracle, R2_STORE, STORES } from '../conformance/aws4fetch.ts';
import { crtCases, s3Example } from '../conformance/corpus.ts';
import {
  createPresigner,
  createQuerySigner,
  PresignError,
  type PresignerConfig,
  PresignerConfigError,
} from './presigner.ts';
import { verifyPresignedUrl } from './verify.ts';

const NOW = Date.UTC(2026, 10, 21, 10, 0, 0);
const r2 = R2_STORE;

/** The URL with its query parameters sorted, byte for byte as written. */
function sortedQuery(url: string): string {
  const [base, query = ''] = url.split('?');
  return `${base}?${query.split('&').sort().join('&')}`;
}

function errorOf(run: () => unknown): unknown {
  try {
    run();
  } catch (error) {
    return error;
  }
  throw new Error('expected a throw');
}

describe('presigner, against the S3 documentation example', () => {
  it('produces the documented URL byte for byte', () => {
    const e = s3Example;
    const presigner = createPresigner({
      ...e.credentials,
      endpoint: 'https://s3.amazonaws.com',
      bucket: 'examplebucket',
      region: e.region,
      style: 'virtual-hosted',
    });
    const url = presigner.presign('test.txt', {
      expiresIn: e.expires,
      now: Date.parse('2013-05-24T00:00:00Z'),
    });
    expect(url).toBe(e.url);
  });
});

describe('presigner, against the AWS CRT query-signing suite', () => {
  // The suite signs the empty-body hash for service "service"; the signer's S3 parts
  // (UNSIGNED-PAYLOAD, service s3) are covered by the documentation example above.
  const plain = crtCases.filter(
    (c) =>
      !c.name.endsWith('-normalized') &&
      c.request.headers.length === 0 &&
      c.request.query === '' &&
      c.request.path !== '/',
  );
  const signerFor = (c: (typeof crtCases)[number]) =>
    createQuerySigner({
      origin: `https://${c.request.host}`,
      host: c.request.host,
      pathPrefix: '/',
      accessKeyId: c.context.credentials.access_key_id,
      secretAccessKey: c.context.credentials.secret_access_key,
      sessionToken: c.context.credentials.token,
      region: c.context.region,
      service: c.context.service,
      payloadHash: 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    });
  const dotted = plain.filter((c) => /(^|\/)\.\.?(\/|$)/.test(c.request.path.slice(1)));
  const signable = plain.filter((c) => !dotted.includes(c));

  it('has cases of both kinds', () => {
    expect(signable.map((c) => c.name)).toEqual(
      expect.arrayContaining(['get-utf8', 'get-space-unnormalized', 'get-slashes-unnormalized']),
    );
    expect(dotted.length).toBeGreaterThanOrEqual(4);
  });

  it.each(signable.map((c) => [c.name, c] as const))('signs %s as the suite does', (_name, c) => {
    const url = signerFor(c).presign(c.request.path.slice(1), {
      expiresIn: c.context.expiration_in_seconds,
      now: Date.parse(c.context.timestamp),
    });
    expect(new URL(url).searchParams.get('X-Amz-Signature')).toBe(c.signature);
    // The suite's request line holds the raw path; compare the query it wrote.
    const line = c.signedRequest.split('\n')[0]!;
    const target = line.slice(line.indexOf(' ') + 1, line.lastIndexOf(' HTTP/'));
    const query = (u: string) => sortedQuery(u).slice(sortedQuery(u).indexOf('?'));
    expect(query(url)).toBe(query(target));
  });

  it.each(dotted.map((c) => [c.name, c] as const))(
    'refuses %s: URL parsers rewrite dot segments',
    (_name, c) => {
      const error = errorOf(() => signerFor(c).presign(c.request.path.slice(1), { now: NOW }));
      expect(error).toBeInstanceOf(PresignError);
      expect((error as PresignError).reason).toBe('dot-segment');
    },
  );
});

describe('object keys', () => {
  const presigner = createPresigner(r2);
  const path = (key: string) => new URL(presigner.presign(key, { now: NOW })).pathname;

  it.each([
    ['hls/v1/720p/seg_001.m4s', '/edge-gallery-media/hls/v1/720p/seg_001.m4s'],
    ['a//b', '/edge-gallery-media/a//b'],
    ['dir/', '/edge-gallery-media/dir/'],
    ['/leading', '/edge-gallery-media//leading'],
    ['a b', '/edge-gallery-media/a%20b'],
    ['a+b', '/edge-gallery-media/a%2Bb'],
    ['~user', '/edge-gallery-media/~user'],
    ['100%', '/edge-gallery-media/100%25'],
    ["!'()*", '/edge-gallery-media/%21%27%28%29%2A'],
    ['?#&=', '/edge-gallery-media/%3F%23%26%3D'],
    ['back\\slash', '/edge-gallery-media/back%5Cslash'],
    ['café', '/edge-gallery-media/caf%C3%A9'],
    ['cafe\u0301', '/edge-gallery-media/cafe%CC%81'],
    ['😀', '/edge-gallery-media/%F0%9F%98%80'],
    ['...', '/edge-gallery-media/...'],
    ['.well-known/a.', '/edge-gallery-media/.well-known/a.'],
  ])('signs %j as path %s, exactly', (key, expected) => {
    expect(path(key)).toBe(expected);
  });

  it.each(['.', '..', './a', 'a/.', 'a/./b', 'a/../b', '../a', 'a/..'])(
    'refuses %j with a dot-segment error',
    (key) => {
      const error = errorOf(() => presigner.presign(key, { now: NOW }));
      expect(error).toBeInstanceOf(PresignError);
      expect((error as PresignError).reason).toBe('dot-segment');
      expect((error as Error).message).toContain(JSON.stringify(key));
    },
  );

  it('refuses an empty key, a lone surrogate and keys over 1024 UTF-8 bytes', () => {
    const reason = (key: string) =>
      (errorOf(() => presigner.presign(key, { now: NOW })) as PresignError).reason;
    expect(reason('')).toBe('empty-key');
    expect(reason('a\ud800b')).toBe('invalid-key');
    expect(reason('a\udc00')).toBe('invalid-key');
    expect(reason('x'.repeat(1025))).toBe('key-too-long');
    expect(reason('é'.repeat(513))).toBe('key-too-long');
    expect(path('x'.repeat(1024))).toHaveLength('/edge-gallery-media/'.length + 1024);
    expect(path('é'.repeat(512))).toHaveLength('/edge-gallery-media/'.length + 512 * 6);
  });
});

describe('expiry', () => {
  const presigner = createPresigner(r2);
  const expires = (url: string) => new URL(url).searchParams.get('X-Amz-Expires');

  it('defaults to one hour and accepts 1 s to 7 days', () => {
    expect(expires(presigner.presign('k', { now: NOW }))).toBe('3600');
    expect(expires(presigner.presign('k', { now: NOW, expiresIn: 1 }))).toBe('1');
    expect(expires(presigner.presign('k', { now: NOW, expiresIn: 604800 }))).toBe('604800');
  });

  it.each([0, -1, 604801, 1.5, Number.NaN, Number.POSITIVE_INFINITY])(
    'refuses expiresIn %s',
    (expiresIn) => {
      const error = errorOf(() => presigner.presign('k', { now: NOW, expiresIn }));
      expect(error).toBeInstanceOf(PresignError);
      expect((error as PresignError).reason).toBe('invalid-expires-in');
    },
  );

  it('refuses a time that is not milliseconds since 1970', () => {
    for (const now of [Number.NaN, -1, 1e20]) {
      expect((errorOf(() => presigner.presign('k', { now })) as PresignError).reason).toBe(
        'invalid-now',
      );
    }
  });
});

describe('batch', () => {
  it('signs every key with one X-Amz-Date, the same URLs as one by one', () => {
    const presigner = createPresigner(r2);
    const keys = Array.from({ length: 50 }, (_, i) => `hls/v1/720p/seg_${i}.m4s`);
    const urls = presigner.presignBatch(keys, { now: NOW + 999 });
    expect(new Set(urls.map((url) => new URL(url).searchParams.get('X-Amz-Date')))).toEqual(
      new Set(['20261121T100000Z']),
    );
    expect(urls).toEqual(keys.map((key) => presigner.presign(key, { now: NOW })));
  });

  it('writes the credential scope <date>/auto/s3/aws4_request for R2', () => {
    const url = new URL(createPresigner(r2).presign('k', { now: NOW }));
    expect(url.searchParams.get('X-Amz-Credential')).toBe(
      `${r2.accessKeyId}/20261121/auto/s3/aws4_request`,
    );
    expect(url.search).toMatch(
      /^\?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Credential=[0-9a-f]{32}%2F20261121%2Fauto%2Fs3%2Faws4_request&X-Amz-Date=20261121T100000Z&X-Amz-Expires=3600&X-Amz-SignedHeaders=host&X-Amz-Signature=[0-9a-f]{64}$/,
    );
  });
});

describe('config', () => {
  const invalid: [keyof PresignerConfig, Partial<Record<keyof PresignerConfig, unknown>>][] = [
    ['accessKeyId', { accessKeyId: '' }],
    ['accessKeyId', { accessKeyId: 'has/slash' }],
    ['accessKeyId', { accessKeyId: 'has space' }],
    ['secretAccessKey', { secretAccessKey: '' }],
    ['secretAccessKey', { secretAccessKey: undefined }],
    ['sessionToken', { sessionToken: '' }],
    ['endpoint', { endpoint: 'account.r2.cloudflarestorage.com' }],
    ['endpoint', { endpoint: 'ftp://example.com' }],
    ['endpoint', { endpoint: 'https://example.com/base' }],
    ['endpoint', { endpoint: 'https://example.com/?a=b' }],
    ['endpoint', { endpoint: 'https://user:pass@example.com' }],
    ['bucket', { bucket: 'Upper' }],
    ['bucket', { bucket: 'a' }],
    ['bucket', { bucket: 'a/b' }],
    ['region', { region: '' }],
    ['region', { region: 'US East' }],
    ['style', { style: 'vhost' }],
  ];
  it.each(invalid)('names %s when it is bad (%j)', (field, patch) => {
    const error = errorOf(() => createPresigner({ ...r2, ...patch } as PresignerConfig));
    expect(error).toBeInstanceOf(PresignerConfigError);
    expect((error as PresignerConfigError).field).toBe(field);
    expect((error as Error).message).toContain(field);
  });

  it('never puts a secret into an error message', () => {
    const sessionToken = 'session-token-secret-value';
    const presigner = createPresigner({ ...r2, sessionToken });
    const messages = [
      errorOf(() => createPresigner({ ...r2, sessionToken, region: 'BAD' })),
      errorOf(() => createPresigner({ ...r2, sessionToken, endpoint: 'nope' })),
      errorOf(() => presigner.presign('a/../b', { now: NOW })),
      errorOf(() => presigner.presign('k', { now: NOW, expiresIn: 0 })),
    ].map((error) => `${(error as Error).message} ${String(error)} ${JSON.stringify(error)}`);
    for (const message of messages) {
      expect(message).not.toContain(r2.secretAccessKey);
      expect(message).not.toContain(sessionToken);
    }
  });

  it('builds path-style and virtual-hosted URLs, keeping a non-default port', () => {
    const local = createPresigner({ ...r2, endpoint: 'http://localhost:8789' }).presign('a b', {
      now: NOW,
    });
    expect(local).toMatch(/^http:\/\/localhost:8789\/edge-gallery-media\/a%20b\?/);
    const hosted = createPresigner({
      ...r2,
      style: 'virtual-hosted',
      endpoint: 'https://s3.us-east-1.amazonaws.com/',
    });
    expect(hosted.presign('k', { now: NOW })).toMatch(
      /^https:\/\/edge-gallery-media\.s3\.us-east-1\.amazonaws\.com\/k\?/,
    );
  });
});

// --- aws4fetch as an oracle -------------------------------------------------------

const ALPHABET = [
  ...'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789',
  ...'-._~/////',
  ...' +%!\'()*=&?#:@,;$[]"<>\\^`{|}',
  '\t',
  'é',
  'ß',
  'ሴ',
  '😀',
  '\u00a0',
  'A\u030a',
  '\u00c5',
];

/** Deterministic keys (mulberry32), dot segments left out: the presigner refuses those. */
function generatedKeys(count: number, seed: number): string[] {
  let state = seed;
  const random = () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const keys: string[] = [];
  while (keys.length < count) {
    const length = 1 + Math.floor(random() * 48);
    let key = '';
    for (let i = 0; i < length; i++) key += ALPHABET[Math.floor(random() * ALPHABET.length)];
    if (!key.split('/').some((segment) => segment === '.' || segment === '..')) keys.push(key);
  }
  return keys;
}

const configs = STORES;

describe('presigner, against aws4fetch over generated keys', () => {
  it.each(configs)(
    '%s: 1500 keys, byte-identical after sorting parameters',
    async (_name, config) => {
      const keys = generatedKeys(1500, config.region.length * 7919 + config.endpoint.length);
      const presigner = createPresigner(config);
      const now = NOW + config.endpoint.length * 86_400_000;
      const urls = presigner.presignBatch(keys, { now, expiresIn: 900 });
      const expected = await Promise.all(
        urls.map((url) => {
          // aws4fetch takes the URL we wrote (every byte of the key already UriEncoded),
          // decodes the path and signs it again from scratch.
          const unsigned = `${url.slice(0, url.indexOf('?'))}?X-Amz-Expires=900`;
          return oracle(config, unsigned, now);
        }),
      );
      for (let i = 0; i < keys.length; i++) {
        expect(sortedQuery(urls[i]!), JSON.stringify(keys[i])).toBe(sortedQuery(expected[i]!));
      }
    },
  );
});

describe('presigner, keys that share leading blocks of the canonical request', () => {
  it('matches aws4fetch when consecutive keys share 0 to 4 blocks and then differ', async () => {
    // "GET\n/edge-gallery-media/" is 24 bytes; prefixes of 40, 104, 168 and 232 bytes
    // put the first difference in block 1, 2, 3 and 4 of the canonical request.
    const prefixes = [0, 40, 104, 168, 232].map((length) => 'p/'.repeat(length / 2));
    const keys: string[] = [];
    for (let i = 0; i < 60; i++) {
      const prefix = prefixes[(i * 7) % prefixes.length]!;
      keys.push(
        `${prefix}${i % 3 === 0 ? 'same' : `k${i}`}`,
        `${prefix}${i % 3 === 0 ? 'same' : `k${i}`}`,
      );
    }
    const urls = createPresigner(r2).presignBatch(keys, { now: NOW });
    const expected = await Promise.all(
      urls.map((url) => oracle(r2, `${url.slice(0, url.indexOf('?'))}?X-Amz-Expires=3600`, NOW)),
    );
    expect(urls.map(sortedQuery)).toEqual(expected.map(sortedQuery));
  });

  it('notices a key that differs from the one before in any single byte of the kept blocks', () => {
    // "GET\n/edge-gallery-media/" is 24 bytes: key bytes 0-103 are the rest of the two
    // leading blocks kept between keys (and compared between lanes).
    const base = 'k'.repeat(120);
    const keys = Array.from({ length: 104 }, (_, i) => [
      base,
      `${base.slice(0, i)}x${base.slice(i + 1)}`,
    ]).flat();
    const presigner = createPresigner(r2);
    const urls = [
      ...keys.map((key) => presigner.presign(key, { now: NOW })),
      ...presigner.presignBatch(keys, { now: NOW }),
    ];
    const credentials = { accessKeyId: r2.accessKeyId, secretAccessKey: r2.secretAccessKey };
    const refused = urls.filter((url) => !verifyPresignedUrl(url, { credentials, now: NOW }).ok);
    expect(refused).toEqual([]);
  });
});

describe('presignBatch, four keys of one length at a time', () => {
  // Runs of 1 to 9 keys of one encoded length: the SIMD kernel signs them four at a time
  // and the rest one by one. Within a run the keys differ in their first block or only
  // near their end; some hold characters that UriEncode expands.
  const keys: string[] = [];
  for (let run = 1; run <= 9; run++) {
    for (let i = 0; i < run; i++) {
      const filler = run % 3 === 0 ? 'é+ ~'.repeat(run) : 'seg'.repeat(run * 5);
      keys.push(run % 2 === 0 ? `${'abcdefghi'[i]}/${filler}` : `hls/v/${filler}/${i}.m4s`);
    }
  }

  it.each(configs)('%s: the same URLs as presign, one by one', (_name, config) => {
    const presigner = createPresigner(config);
    for (const now of [NOW, NOW + 1000]) {
      const urls = presigner.presignBatch([...keys, ...keys.slice(0, 7)], { now });
      expect(urls).toEqual(
        [...keys, ...keys.slice(0, 7)].map((k) => presigner.presign(k, { now })),
      );
    }
  });

  it('leaves no trace of a longer key in a lane, nor of a key refused half-written', () => {
    const short = (i: number) => `hls/v/seg_${i}.ts`;
    const long = `hls/v/${'x'.repeat(80)}.ts`;
    const keys = [0, 1, 2, 3, 4, 5].map(short).concat(long, [6, 7, 8, 9, 1, 2, 3].map(short));
    const presigner = createPresigner(r2);
    expect(() =>
      presigner.presignBatch([short(0), `${'y'.repeat(90)}\ud800`], { now: NOW }),
    ).toThrow(PresignError);
    const fresh = createPresigner(r2);
    expect(presigner.presignBatch(keys, { now: NOW })).toEqual(
      keys.map((key) => fresh.presign(key, { now: NOW })),
    );
    expect(presigner.presign(short(5), { now: NOW })).toBe(fresh.presign(short(5), { now: NOW }));
  });

  it('matches aws4fetch for keys that differ in their first block', async () => {
    const batch = Array.from({ length: 8 }, (_, i) => `${i}/hls/v/seg_0001.m4s`);
    const urls = createPresigner(r2).presignBatch(batch, { now: NOW });
    const expected = await Promise.all(
      urls.map((url) => oracle(r2, `${url.slice(0, url.indexOf('?'))}?X-Amz-Expires=3600`, NOW)),
    );
    expect(urls.map(sortedQuery)).toEqual(expected.map(sortedQuery));
  });
});

describe('presigner, a playlist of equal-length keys', () => {
  it('matches aws4fetch for every segment, and again after a change of length and second', async () => {
    const presigner = createPresigner(r2);
    const segments = (variant: string, count: number) =>
      Array.from(
        { length: count },
        (_, i) => `hls/v1/${variant}/seg_${String(i).padStart(5, '0')}.m4s`,
      );
    for (const [keys, now] of [
      [segments('720p', 120), NOW],
      [segments('1080p', 120), NOW],
      [segments('1080p', 120), NOW + 1000],
      [segments('360p', 120), NOW + 1000],
    ] as const) {
      const urls = presigner.presignBatch(keys, { now });
      const expected = await Promise.all(
        urls.map((url) => oracle(r2, `${url.slice(0, url.indexOf('?'))}?X-Amz-Expires=3600`, now)),
      );
      expect(urls.map(sortedQuery)).toEqual(expected.map(sortedQuery));
    }
  });
});

describe('where aws4fetch is wrong, and the presigner is not', () => {
  it('a raw "+" in a path: aws4fetch requests key "a+b" but signs key "a b"', async () => {
    const presigner = createPresigner(r2);
    const fromAws4fetch = await oracle(
      r2,
      `${r2.endpoint}/${r2.bucket}/a+b?X-Amz-Expires=3600`,
      NOW,
    );
    // The request goes to path /a+b; in a path "+" is a plus (RFC 3986), so S3 looks up
    // key "a+b" and canonicalises it as a%2Bb (UriEncode: "+" → %2B). aws4fetch replaced
    // the "+" with a space before encoding, so its signature is the one for key "a b":
    expect(new URL(fromAws4fetch).pathname).toBe(`/${r2.bucket}/a+b`);
    const signatureOf = (url: string) => new URL(url).searchParams.get('X-Amz-Signature');
    expect(signatureOf(fromAws4fetch)).toBe(signatureOf(presigner.presign('a b', { now: NOW })));
    expect(signatureOf(fromAws4fetch)).not.toBe(
      signatureOf(presigner.presign('a+b', { now: NOW })),
    );
    // The presigner writes %2B, which no URL parser or server reads as anything but "+".
    expect(new URL(presigner.presign('a+b', { now: NOW })).pathname).toBe(`/${r2.bucket}/a%2Bb`);
  });
});

describe('presigner for other methods', () => {
  it('signs PUT URLs byte-identical to aws4fetch signing a PUT', async () => {
    const presigner = createPresigner({ ...r2, method: 'PUT' });
    const client = new AwsClient({ ...r2, service: 's3' });
    const datetime = new Date(NOW).toISOString().replace(/[:-]|\.\d{3}/g, '');
    for (const key of ['originals/a.jpg', 'hls/v 1/720p/seg~1.m4s']) {
      const url = presigner.presign(key, { now: NOW });
      const unsigned = `${url.split('?')[0]}?X-Amz-Expires=3600`;
      const signed = await client.sign(unsigned, {
        method: 'PUT',
        aws: { signQuery: true, datetime },
      });
      expect(sortedQuery(url)).toBe(sortedQuery(signed.url));
    }
  });

  it('a PUT URL is not a GET URL: the signatures differ', () => {
    const put = createPresigner({ ...r2, method: 'PUT' }).presign('a.jpg', { now: NOW });
    const get = createPresigner(r2).presign('a.jpg', { now: NOW });
    expect(put).not.toBe(get);
  });

  it('refuses a method it does not sign', () => {
    const error = errorOf(() => createPresigner({ ...r2, method: 'DELETE' as 'PUT' }));
    expect(error).toBeInstanceOf(PresignerConfigError);
    expect((error as PresignerConfigError).field).toBe('method');
  });
});

/** Path and decoded query parameters, sorted. */
function paramsOf(url: string): [string, string[]] {
  const parsed = new URL(url);
  return [parsed.pathname, [...parsed.searchParams].map(([n, v]) => `${n}=${v}`).sort()];
}

describe('query parameters signed with the URL', () => {
  const disposition = `attachment; filename="Caf_ 1.jpg"; filename*=UTF-8''Caf%C3%A9%20%E2%9C%A8.jpg`;

  it('signs response-content-disposition byte-identical to aws4fetch', async () => {
    const presigner = createPresigner(r2);
    for (const key of ['originals/a.jpg', 'originals/b c+d.heic']) {
      const url = presigner.presign(key, {
        now: NOW,
        query: { 'response-content-disposition': disposition },
      });
      const unsigned = new URL(`${url.split('?')[0]}?X-Amz-Expires=3600`);
      unsigned.searchParams.set('response-content-disposition', disposition);
      // aws4fetch writes the URL through URLSearchParams (`+` for a space): the same
      // parameters and signature, spelled differently.
      expect(paramsOf(url)).toEqual(paramsOf(await oracle(r2, String(unsigned), NOW)));
      expect(new URL(url).searchParams.get('response-content-disposition')).toBe(disposition);
      expect(url).not.toMatch(/[+*'()]/);
    }
  });

  it('signs partNumber and uploadId for a PUT, as aws4fetch does', async () => {
    const presigner = createPresigner({ ...r2, method: 'PUT' });
    const url = presigner.presign('uploads/u1/original', {
      now: NOW,
      query: { partNumber: '7', uploadId: 'abc/def+=' },
    });
    const client = new AwsClient({ ...r2, service: 's3' });
    const datetime = new Date(NOW).toISOString().replace(/[:-]|\.\d{3}/g, '');
    const unsigned = new URL(`${url.split('?')[0]}?X-Amz-Expires=3600`);
    unsigned.searchParams.set('partNumber', '7');
    unsigned.searchParams.set('uploadId', 'abc/def+=');
    const signed = await client.sign(String(unsigned), {
      method: 'PUT',
      aws: { signQuery: true, datetime },
    });
    expect(paramsOf(url)).toEqual(paramsOf(signed.url));
  });

  it('mixes targets with and without a query in one batch, each as if signed alone', () => {
    const presigner = createPresigner(r2);
    const query = { 'response-content-disposition': disposition };
    const targets = [
      'thumbnails/a.webp',
      { key: 'originals/a.jpg', query },
      'thumbnails/b.webp',
      { key: 'originals/b.jpg' },
      'thumbnails/c.webp',
      'thumbnails/d.webp',
      'thumbnails/e.webp',
    ];
    const urls = presigner.presignBatch(targets, { now: NOW });
    const alone = targets.map((target) =>
      typeof target === 'string'
        ? createPresigner(r2).presign(target, { now: NOW })
        : createPresigner(r2).presign(target.key, {
            now: NOW,
            ...(target.query ? { query: target.query } : {}),
          }),
    );
    expect(urls).toEqual(alone);
  });

  it('puts the batch query on every URL, a target’s own value winning', () => {
    const presigner = createPresigner(r2);
    const urls = presigner.presignBatch(
      ['a.jpg', { key: 'b.jpg', query: { 'response-content-type': 'image/png' } }],
      { now: NOW, query: { 'response-content-type': 'image/jpeg' } },
    );
    expect(urls.map((url) => new URL(url).searchParams.get('response-content-type'))).toEqual([
      'image/jpeg',
      'image/png',
    ]);
  });

  it('refuses X-Amz- names, empty names, non-string values and lone surrogates', () => {
    const presigner = createPresigner(r2);
    for (const query of [
      { 'X-Amz-Expires': '604800' },
      { 'x-amz-date': '20200101T000000Z' },
      { '': 'x' },
      { a: 1 as unknown as string },
      { 'response-content-disposition': '\ud800' },
    ]) {
      const error = errorOf(() => presigner.presign('a.jpg', { now: NOW, query }));
      expect(error).toBeInstanceOf(PresignError);
      expect((error as PresignError).reason).toBe('invalid-query');
    }
  });

  it('still refuses keys the fast path refuses', () => {
    const presigner = createPresigner(r2);
    const query = { 'response-content-type': 'image/jpeg' };
    for (const [key, reason] of [
      ['', 'empty-key'],
      ['a/../b', 'dot-segment'],
      ['x'.repeat(1025), 'key-too-long'],
    ] as const) {
      const error = errorOf(() => presigner.presignBatch([{ key, query }], { now: NOW }));
      expect((error as PresignError).reason).toBe(reason);
    }
  });
});
