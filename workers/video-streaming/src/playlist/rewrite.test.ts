import { Parser } from 'm3u8-parser';
import { describe, expect, it } from 'vitest';
import corpus from '../../../../../shared/conformance/m3u8/manifest.json';
import { rewritePlaylist, type UriRef } from './rewrite.ts';

// The conformance corpus reaches workerd through vite: import.meta.glob inlines each file
// as a string at transform time (workerd has no file system). Keys are the glob paths.
const CORPUS_DIR = '../../../../../shared/conformance/m3u8/';
const corpusFiles = import.meta.glob<string>('../../../../../shared/conformance/m3u8/**/*.m3u8', {
  eager: true,
  query: '?raw',
  import: 'default',
});

const SCOPE = 'hls/vid/';
// Three places for every corpus playlist: at the video's root, where '../' leaves the
// scope, and two and four levels below it, where '../' and '../../../../' stay inside.
const PLACEMENTS = [
  { name: 'at the root', dir: SCOPE },
  { name: 'nested', dir: `${SCOPE}a/b/` },
  { name: 'deep', dir: `${SCOPE}a/b/c/d/` },
];

// Replacements name their ref by index, so every changed URI can be traced to its ref.
const MARKER = 'https://rewritten.test/';
function run(text: string, playlistKey: string, scope = SCOPE) {
  const calls: (readonly UriRef[])[] = [];
  const output = rewritePlaylist(text, {
    playlistKey,
    scope,
    rewrite(refs) {
      calls.push(refs);
      return refs.map((ref, i) => `${MARKER}${ref.kind}/${i}`);
    },
  });
  expect(calls).toHaveLength(1);
  return { output, refs: calls[0]! };
}

function rewriteWith(text: string, playlistKey = 'hls/vid/720p/index.m3u8') {
  return run(text, playlistKey);
}

describe('playlist rewrite: conformance corpus', () => {
  it('loads every file of the manifest byte for byte', async () => {
    expect(Object.keys(corpusFiles).sort()).toEqual(
      corpus.map((entry) => CORPUS_DIR + entry.file).sort(),
    );
    for (const entry of corpus) {
      expect(await sha256(corpusFiles[CORPUS_DIR + entry.file]!), entry.file).toBe(entry.sha256);
    }
  });

  const cases = corpus.flatMap((entry) =>
    PLACEMENTS.flatMap((placement) =>
      [false, true].map((crlfBom) => ({
        name: `${entry.file} (${placement.name}${crlfBom ? ', CRLF + BOM' : ''})`,
        entry,
        placement,
        crlfBom,
      })),
    ),
  );
  for (const { name, entry, placement, crlfBom } of cases) {
    it(name, () => {
      const published = corpusFiles[CORPUS_DIR + entry.file]!;
      const text = crlfBom ? `\uFEFF${published.replace(/\r?\n/g, '\r\n')}` : published;
      const playlistKey = placement.dir + entry.file.slice(entry.file.lastIndexOf('/') + 1);
      const { output, refs } = run(text, playlistKey);

      // An independent reading of the spec finds the URIs; exactly those are offered, in
      // order, and the output is the input with exactly those spans replaced.
      const expected = findUris(text, playlistKey);
      expect(refs).toEqual(expected.map(({ key, kind }) => ({ key, kind })));
      let spliced = '';
      let last = 0;
      expected.forEach((uri, i) => {
        spliced += `${text.slice(last, uri.start)}${MARKER}${uri.kind}/${i}`;
        last = uri.end;
      });
      expect(output).toBe(spliced + text.slice(last));

      // A real parser sees the same playlist, only with in-scope URIs replaced.
      const before = parse(text);
      const after = parse(output);
      compareParsed(before, after, refs, playlistKey);
    });
  }
});

describe('playlist rewrite', () => {
  it('rewrites segment lines relative to the playlist key', () => {
    const { output, refs } = rewriteWith('#EXTM3U\n#EXTINF:4,\nseg-1.m4s\n#EXTINF:4,\nseg-2.m4s\n');
    expect(refs).toEqual([
      { key: 'hls/vid/720p/seg-1.m4s', kind: 'media' },
      { key: 'hls/vid/720p/seg-2.m4s', kind: 'media' },
    ]);
    expect(output).toBe(`#EXTM3U\n#EXTINF:4,\n${MARKER}media/0\n#EXTINF:4,\n${MARKER}media/1\n`);
  });

  it('keeps CRLF line endings', () => {
    const { output } = rewriteWith('#EXTM3U\r\n#EXTINF:4,\r\nseg-1.m4s\r\n#EXT-X-ENDLIST\r\n');
    expect(output).toBe(`#EXTM3U\r\n#EXTINF:4,\r\n${MARKER}media/0\r\n#EXT-X-ENDLIST\r\n`);
  });

  it('keeps mixed line endings', () => {
    const { output } = rewriteWith('#EXTM3U\n#EXTINF:4,\r\nseg-1.m4s\n#EXTINF:4,\nseg-2.m4s\r\n');
    expect(output).toBe(
      `#EXTM3U\n#EXTINF:4,\r\n${MARKER}media/0\n#EXTINF:4,\n${MARKER}media/1\r\n`,
    );
  });

  it('keeps a BOM', () => {
    const { output, refs } = rewriteWith(
      '\uFEFF#EXTM3U\n#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg.m4s\n',
    );
    expect(refs).toHaveLength(2);
    expect(output).toBe(
      `\uFEFF#EXTM3U\n#EXT-X-MAP:URI="${MARKER}media/0"\n#EXTINF:4,\n${MARKER}media/1\n`,
    );
  });

  it('keeps a missing final newline', () => {
    expect(rewriteWith('#EXTM3U\n#EXTINF:4,\nseg.m4s').output).toBe(
      `#EXTM3U\n#EXTINF:4,\n${MARKER}media/0`,
    );
    expect(rewriteWith('#EXTM3U\r\n#EXTINF:4,\r\nseg.m4s\r').output).toBe(
      `#EXTM3U\r\n#EXTINF:4,\r\n${MARKER}media/0\r`,
    );
  });

  it('keeps comments, unknown tags, blanks, attribute order and quoting', () => {
    const text = [
      '#EXTM3U',
      '# a comment naming seg.ts',
      '#EXT-X-VENDOR-THING:URI="other.ts",X=1',
      '',
      '   ',
      '#EXT-X-KEY:IV=0x00000000000000000000000000000001 , URI="k.bin",  METHOD=AES-128',
      '#EXTINF:4.000,title, with "quotes"',
      '\t seg.ts  ',
      '',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs.map((ref) => ref.key)).toEqual(['hls/vid/720p/k.bin', 'hls/vid/720p/seg.ts']);
    expect(output).toBe(
      text.replace('"k.bin"', `"${MARKER}media/0"`).replace('\t seg.ts  ', `\t ${MARKER}media/1  `),
    );
  });

  it('leaves METHOD=NONE keys as they are', () => {
    const text = '#EXT-X-KEY:METHOD=NONE\n#EXT-X-KEY:URI="k.bin",METHOD=NONE\n#EXTINF:4,\nseg.ts\n';
    const { output, refs } = rewriteWith(text);
    expect(refs).toEqual([{ key: 'hls/vid/720p/seg.ts', kind: 'media' }]);
    expect(output).toBe(text.replace('\nseg.ts', `\n${MARKER}media/0`));
  });

  it('leaves skd://, data: and other non-HTTP key URIs', () => {
    const text = [
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="skd://key-id",KEYFORMAT="com.apple.streamingkeydelivery"',
      '#EXT-X-KEY:METHOD=SAMPLE-AES,URI="data:text/plain;base64,AAAA",KEYFORMAT="urn:uuid:x"',
      '#EXT-X-SESSION-KEY:METHOD=SAMPLE-AES,URI="skd://session"',
      '#EXTINF:4,',
      'seg.ts',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs).toHaveLength(1);
    expect(output).toBe(text.replace('\nseg.ts', `\n${MARKER}media/0`));
  });

  it('leaves absolute URLs and network-path references', () => {
    const text = [
      '#EXT-X-MAP:URI="https://cdn.example/hls/vid/720p/init.mp4"',
      '#EXTINF:4,',
      'http://cdn.example/hls/vid/720p/seg-1.ts',
      '#EXTINF:4,',
      '//cdn.example/hls/vid/720p/seg-2.ts',
      '',
    ].join('\n');
    expect(rewriteWith(text)).toEqual({ output: text, refs: [] });
  });

  it('resolves ../ and leaves what escapes the scope', () => {
    const text = [
      '#EXT-X-KEY:METHOD=AES-128,URI="../keys/k.bin"',
      '#EXTINF:4,',
      '../../vid/720p/./seg-1.ts',
      '#EXTINF:4,',
      '../../other/seg-2.ts',
      '#EXTINF:4,',
      '../../vidother/seg-3.ts',
      '#EXTINF:4,',
      '../../../../../../hls/vid/seg-4.ts',
      '#EXTINF:4,',
      '/hls/vid/720p/seg-5.ts',
      '#EXTINF:4,',
      '/seg-6.ts',
      '',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs.map((ref) => ref.key)).toEqual([
      'hls/vid/keys/k.bin',
      'hls/vid/720p/seg-1.ts',
      // RFC 3986 §5.2.4: '..' above the root stays at the root.
      'hls/vid/seg-4.ts',
      // An absolute path starts at the bucket's root.
      'hls/vid/720p/seg-5.ts',
    ]);
    for (const kept of ['../../other/seg-2.ts', '../../vidother/seg-3.ts', '/seg-6.ts']) {
      expect(output).toContain(`\n${kept}\n`);
    }
  });

  it('leaves encoded slashes, encoded dot segments and backslashes', () => {
    const text = [
      '..%2F..%2Fother%2Fseg.ts',
      '%2e%2e/%2e%2e/other/seg.ts',
      '..\\..\\other\\seg.ts',
      'a//b.ts',
      '',
    ].join('\n#EXTINF:4,\n');
    expect(rewriteWith(text)).toEqual({ output: text, refs: [] });
  });

  it('decodes percent-encoded keys once', () => {
    const { refs } = rewriteWith('#EXTINF:4,\nmy%20clip%2525.ts\n');
    expect(refs).toEqual([{ key: 'hls/vid/720p/my clip%25.ts', kind: 'media' }]);
  });

  it('drops the query and fragment from the key and replaces the whole URI', () => {
    const text = '#EXT-X-KEY:METHOD=AES-128,URI="key.php?r=52"\n#EXTINF:4,\nseg.ts?token=a/b#t=1\n';
    const { output, refs } = rewriteWith(text);
    expect(refs.map((ref) => ref.key)).toEqual(['hls/vid/720p/key.php', 'hls/vid/720p/seg.ts']);
    expect(output).toBe(
      `#EXT-X-KEY:METHOD=AES-128,URI="${MARKER}media/0"\n#EXTINF:4,\n${MARKER}media/1\n`,
    );
    expect(rewriteWith('#EXTINF:4,\n?only-a-query\n').refs).toEqual([]);
  });

  it('offers every byte range of one file, and keeps EXT-X-BYTERANGE', () => {
    const text = [
      '#EXT-X-MAP:URI="main.mp4",BYTERANGE="720@0"',
      '#EXTINF:4,',
      '#EXT-X-BYTERANGE:1000@720',
      'main.mp4',
      '#EXTINF:4,',
      '#EXT-X-BYTERANGE:1000',
      'main.mp4',
      '',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs).toEqual(Array(3).fill({ key: 'hls/vid/720p/main.mp4', kind: 'media' }));
    expect(output).toBe(
      [
        `#EXT-X-MAP:URI="${MARKER}media/0",BYTERANGE="720@0"`,
        '#EXTINF:4,',
        '#EXT-X-BYTERANGE:1000@720',
        `${MARKER}media/1`,
        '#EXTINF:4,',
        '#EXT-X-BYTERANGE:1000',
        `${MARKER}media/2`,
        '',
      ].join('\n'),
    );
  });

  it('rewrites the low-latency tags: parts and hints are media, rendition reports playlists', () => {
    const text = [
      '#EXT-X-PART:DURATION=0.33334,URI="part271.0.mp4",INDEPENDENT=YES',
      '#EXT-X-PART:DURATION=0.33334,URI="seg271.mp4",BYTERANGE="20000@0"',
      '#EXT-X-PRELOAD-HINT:TYPE=PART,URI="part271.1.mp4"',
      '#EXT-X-PRELOAD-HINT:TYPE=MAP,URI="init2.mp4"',
      '#EXT-X-SKIP:SKIPPED-SEGMENTS=3',
      '#EXT-X-RENDITION-REPORT:URI="../1080p/index.m3u8",LAST-MSN=273,LAST-PART=3',
    ].join('\n');
    const { refs } = rewriteWith(text);
    expect(refs).toEqual([
      { key: 'hls/vid/720p/part271.0.mp4', kind: 'media' },
      { key: 'hls/vid/720p/seg271.mp4', kind: 'media' },
      { key: 'hls/vid/720p/part271.1.mp4', kind: 'media' },
      { key: 'hls/vid/720p/init2.mp4', kind: 'media' },
      { key: 'hls/vid/1080p/index.m3u8', kind: 'playlist' },
    ]);
  });

  it('marks variant, rendition, I-frame and image playlists as playlists', () => {
    const text = [
      '#EXTM3U',
      '#EXT-X-SESSION-DATA:DATA-ID="com.example.lyrics",URI="lyrics.json"',
      '#EXT-X-SESSION-KEY:METHOD=AES-128,URI="key.bin"',
      '#EXT-X-MEDIA:TYPE=AUDIO,GROUP-ID="a",NAME="en",URI="audio/en.m3u8"',
      '#EXT-X-MEDIA:TYPE=SUBTITLES,GROUP-ID="s",NAME="en",URI="subs/en.m3u8"',
      '#EXT-X-STREAM-INF:BANDWIDTH=1280000,AUDIO="a"',
      '# a comment between the tag and its URI',
      '720p/index.m3u8',
      '#EXT-X-I-FRAME-STREAM-INF:BANDWIDTH=86000,URI="720p/iframes.m3u8"',
      '#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=16460,CODECS="jpeg",URI="thumbs/index.m3u8"',
      '#EXT-X-IMAGE-STREAM-INF:BANDWIDTH=16460,CODECS="jpeg"',
      'tiles/index.m3u8',
      '',
    ].join('\n');
    const { refs } = rewriteWith(text, 'hls/vid/master.m3u8');
    expect(refs).toEqual([
      { key: 'hls/vid/lyrics.json', kind: 'media' },
      { key: 'hls/vid/key.bin', kind: 'media' },
      { key: 'hls/vid/audio/en.m3u8', kind: 'playlist' },
      { key: 'hls/vid/subs/en.m3u8', kind: 'playlist' },
      { key: 'hls/vid/720p/index.m3u8', kind: 'playlist' },
      { key: 'hls/vid/720p/iframes.m3u8', kind: 'playlist' },
      { key: 'hls/vid/thumbs/index.m3u8', kind: 'playlist' },
      { key: 'hls/vid/tiles/index.m3u8', kind: 'playlist' },
    ]);
  });

  it('reads only the URI line right after EXT-X-STREAM-INF as a playlist', () => {
    const text = '#EXT-X-STREAM-INF:BANDWIDTH=1\n720p.m3u8\nstray.ts\n';
    expect(rewriteWith(text, 'hls/vid/master.m3u8').refs).toEqual([
      { key: 'hls/vid/720p.m3u8', kind: 'playlist' },
      { key: 'hls/vid/stray.ts', kind: 'media' },
    ]);
  });

  it('rewrites image playlist tiles as media and keeps EXT-X-TILES', () => {
    const text =
      '#EXT-X-IMAGES-ONLY\n#EXTINF:60,\n#EXT-X-TILES:RESOLUTION=640x360,LAYOUT=5x2\nt.jpg\n';
    const { output, refs } = rewriteWith(text);
    expect(refs).toEqual([{ key: 'hls/vid/720p/t.jpg', kind: 'media' }]);
    expect(output).toBe(text.replace('t.jpg', `${MARKER}media/0`));
  });

  it('rewrites interstitial X-ASSET-URI, leaves X-ASSET-LIST and content steering', () => {
    const text = [
      '#EXT-X-CONTENT-STEERING:SERVER-URI="steering.json",PATHWAY-ID="CDN-A"',
      '#EXT-X-DATERANGE:ID="ad1",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:00:00Z",X-ASSET-URI="ads/1/master.m3u8"',
      '#EXT-X-DATERANGE:ID="ad2",CLASS="com.apple.hls.interstitial",START-DATE="2026-01-01T00:01:00Z",X-ASSET-LIST="ads/list.json"',
      '#EXT-X-DATERANGE:ID="x",START-DATE="2026-01-01T00:00:00Z",X-AD-URL="ad.html"',
      '',
    ].join('\n');
    const { output, refs } = rewriteWith(text, 'hls/vid/master.m3u8');
    expect(refs).toEqual([{ key: 'hls/vid/ads/1/master.m3u8', kind: 'playlist' }]);
    expect(output).toBe(text.replace('"ads/1/master.m3u8"', `"${MARKER}playlist/0"`));
  });

  it('substitutes EXT-X-DEFINE variables and leaves URIs with unknown ones', () => {
    const text = [
      '#EXT-X-DEFINE:NAME="dir",VALUE="720p"',
      '#EXT-X-DEFINE:NAME="auth",VALUE="?token=abc"',
      '#EXT-X-DEFINE:IMPORT="imported"',
      '#EXT-X-DEFINE:QUERYPARAM="q"',
      '#EXT-X-MAP:URI="../{$dir}/init.mp4{$auth}"',
      '#EXTINF:4,',
      '{$dir}-seg.ts',
      '#EXTINF:4,',
      'seg.ts{$imported}',
      '#EXTINF:4,',
      'seg.ts{$q}',
      '#EXTINF:4,',
      'seg.ts{$undefined}',
      '',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs.map((ref) => ref.key)).toEqual([
      'hls/vid/720p/init.mp4',
      'hls/vid/720p/720p-seg.ts',
    ]);
    expect(output).toBe(
      text
        .replace('"../{$dir}/init.mp4{$auth}"', `"${MARKER}media/0"`)
        .replace('{$dir}-seg.ts', `${MARKER}media/1`),
    );
  });

  it('reads URI only as a whole attribute name, outside quoted strings', () => {
    const text = [
      '#EXT-X-MEDIA:TYPE=AUDIO,NAME="x,URI=fake.m3u8",X-URI="fake2.m3u8",GROUP-ID="a"',
      '#EXT-X-KEY:METHOD=AES-128,KEYFORMAT="a,METHOD=NONE",URI="k.bin"',
      '#EXT-X-MAP:URI=unquoted.mp4',
      '#EXT-X-MAP:URI="unterminated.mp4',
    ].join('\n');
    const { output, refs } = rewriteWith(text);
    expect(refs).toEqual([{ key: 'hls/vid/720p/k.bin', kind: 'media' }]);
    expect(output).toBe(text.replace('"k.bin"', `"${MARKER}media/0"`));
  });

  it('calls rewrite once, even with nothing to rewrite', () => {
    const text = '#EXTM3U\n#EXT-X-ENDLIST\n';
    expect(rewriteWith(text)).toEqual({ output: text, refs: [] });
    expect(rewriteWith('')).toEqual({ output: '', refs: [] });
  });

  it('refuses replacements that would change the structure', () => {
    const text = '#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg.ts\n';
    const options = { playlistKey: 'hls/vid/720p/index.m3u8', scope: 'hls/vid/' };
    for (const bad of ['https://x/"', 'https://x/\n#EXT-X-ENDLIST', 'https://x/\r', '#x', '']) {
      expect(() =>
        rewritePlaylist(text, { ...options, rewrite: (refs) => refs.map(() => bad) }),
      ).toThrow(/unsafe replacement/);
    }
    expect(() => rewritePlaylist(text, { ...options, rewrite: () => ['https://x/'] })).toThrow(
      /1 URIs for 2 refs/,
    );
  });

  it('writes other replacement characters as they are (the worker marks token slots with NUL)', () => {
    const output = rewritePlaylist('#EXT-X-MAP:URI="init.mp4"\n#EXTINF:4,\nseg.ts\n', {
      playlistKey: 'hls/vid/720p/index.m3u8',
      scope: 'hls/vid/',
      rewrite: (refs) => refs.map((ref) => `/api/${ref.key}?\u0000&a=%20,b`),
    });
    expect(output).toBe(
      '#EXT-X-MAP:URI="/api/hls/vid/720p/init.mp4?\u0000&a=%20,b"\n#EXTINF:4,\n/api/hls/vid/720p/seg.ts?\u0000&a=%20,b\n',
    );
  });

  it('refuses a scope that is not a directory', () => {
    for (const scope of ['hls/vid', '']) {
      expect(() =>
        rewritePlaylist('seg.ts', { playlistKey: 'hls/vid/index.m3u8', scope, rewrite: () => [] }),
      ).toThrow(TypeError);
    }
  });
});

// --- The independent reading of the spec the corpus is checked against ---------------

type FoundUri = { start: number; end: number; key: string; kind: UriRef['kind'] };

// RFC 8216bis tags with a URI attribute, by what the URI names (README.md explains the
// choices): what clients fetch as playlists, and what they fetch as plain objects.
const URI_TAGS: Record<string, [attribute: string, kind: UriRef['kind']]> = {
  'EXT-X-MEDIA': ['URI', 'playlist'],
  'EXT-X-I-FRAME-STREAM-INF': ['URI', 'playlist'],
  'EXT-X-IMAGE-STREAM-INF': ['URI', 'playlist'],
  'EXT-X-RENDITION-REPORT': ['URI', 'playlist'],
  'EXT-X-DATERANGE': ['X-ASSET-URI', 'playlist'],
  'EXT-X-KEY': ['URI', 'media'],
  'EXT-X-SESSION-KEY': ['URI', 'media'],
  'EXT-X-MAP': ['URI', 'media'],
  'EXT-X-PART': ['URI', 'media'],
  'EXT-X-PRELOAD-HINT': ['URI', 'media'],
  'EXT-X-SESSION-DATA': ['URI', 'media'],
};

function findUris(text: string, playlistKey: string): FoundUri[] {
  const found: FoundUri[] = [];
  const variables = new Map<string, string>();
  let afterStreamInf = false;
  for (const line of text.matchAll(/^\uFEFF?[ \t]*(.*?)[ \t]*\r?$/gm)) {
    const content = line[1]!;
    if (content === '') continue;
    const start = line.index + line[0].indexOf(content);
    const tag = /^#(EXT[^:]*):?(.*)$/.exec(content);
    if (!content.startsWith('#')) {
      const kind = afterStreamInf ? 'playlist' : 'media';
      afterStreamInf = false;
      const key = expectedKey(content, playlistKey, variables);
      if (key !== undefined) found.push({ start, end: start + content.length, key, kind });
    } else if (tag) {
      const [, name, list] = tag as unknown as [string, string, string];
      const attributes = [...list.matchAll(/([A-Z0-9-]+)=("[^"]*"|[^",]*)/g)];
      const value = (attribute: string) => attributes.find((a) => a[1] === attribute)?.[2];
      if (name === 'EXT-X-STREAM-INF') afterStreamInf = true;
      if (name === 'EXT-X-DEFINE' && value('NAME') && value('VALUE')) {
        variables.set(value('NAME')!.slice(1, -1), value('VALUE')!.slice(1, -1));
      }
      const [attribute, kind] = URI_TAGS[name!] ?? [];
      if (!attribute || !kind || value('METHOD') === 'NONE') continue;
      for (const a of attributes) {
        if (a[1] !== attribute || !a[2]!.startsWith('"')) continue;
        const uriStart = start + content.indexOf(':') + 1 + a.index + a[1].length + 2;
        const key = expectedKey(a[2]!.slice(1, -1), playlistKey, variables);
        if (key !== undefined) {
          found.push({ start: uriStart, end: uriStart + a[2]!.length - 2, key, kind });
        }
      }
    }
  }
  return found;
}

// WHATWG URL resolution against the playlist as if it were served from the bucket's root.
function expectedKey(
  raw: string,
  playlistKey: string,
  variables: ReadonlyMap<string, string>,
): string | undefined {
  let uri = raw;
  for (const [name, value] of variables) uri = uri.replaceAll(`{$${name}}`, value);
  if (uri.includes('{$') || uri.includes('\\') || /^[a-z][a-z0-9+.-]*:|^\/\/|^[?#]|^$/i.test(uri)) {
    return undefined;
  }
  const segments = new URL(uri, `https://bucket.test/${playlistKey}`).pathname.slice(1).split('/');
  try {
    const key = segments.map(decodeURIComponent);
    const control = (s: string) => [...s].some((c) => c < ' ' || c === '\x7f');
    if (key.some((s) => s === '' || s === '.' || s === '..' || /[/\\]/.test(s) || control(s))) {
      return undefined;
    }
    const joined = key.join('/');
    return joined.startsWith(SCOPE) && joined.length > SCOPE.length ? joined : undefined;
  } catch {
    return undefined;
  }
}

// --- m3u8-parser: the same structure before and after, only URIs changed ---------------

// m3u8-parser drops these tags; read them as attribute lists so they are compared too.
const UNPARSED_TAGS = ['EXT-X-SESSION-KEY', 'EXT-X-SESSION-DATA', 'EXT-X-IMAGE-STREAM-INF'];

function parse(text: string): Record<string, unknown> {
  const parser = new Parser();
  for (const tag of UNPARSED_TAGS) {
    const seen: Record<string, string>[] = [];
    parser.addParser({
      expression: new RegExp(`^#${tag}:`),
      customType: tag,
      dataParser: (line) => {
        const list = line.slice(tag.length + 2);
        seen.push(
          Object.fromEntries(
            [...list.matchAll(/([A-Z0-9-]+)=(?:"([^"]*)"|([^",]*))/g)].map((a) => [
              a[1]!,
              a[2] ?? a[3]!,
            ]),
          ),
        );
        return seen;
      },
    });
  }
  parser.push(text);
  parser.end();
  return parser.manifest;
}

// Where m3u8-parser (and the custom tags above) put a URI, and which kind it names.
function uriKind(path: readonly string[]): UriRef['kind'] | undefined {
  const leaf = path.at(-1);
  if (leaf !== 'uri' && leaf !== 'URI' && leaf !== 'X-ASSET-URI') {
    return undefined;
  }
  const root = path[0] === 'custom' ? path[1] : path[0];
  return root === 'playlists' ||
    root === 'mediaGroups' ||
    root === 'iFramePlaylists' ||
    root === 'renditionReports' ||
    root === 'EXT-X-IMAGE-STREAM-INF' ||
    root === 'dateRanges'
    ? 'playlist'
    : 'media';
}

function compareParsed(
  before: unknown,
  after: unknown,
  refs: readonly UriRef[],
  playlistKey: string,
  path: string[] = [],
): void {
  const where = path.join('.');
  if (typeof before !== 'object' || before === null) {
    if (before === after) {
      if (typeof before === 'string' && uriKind(path)) {
        expect(expectedKey(before, playlistKey, new Map()), `${where} kept`).toBeUndefined();
      }
      return;
    }
    const kind = uriKind(path);
    expect(kind, `${where} changed: ${String(before)} → ${String(after)}`).toBeDefined();
    const marker = new RegExp(`^${MARKER}(playlist|media)/(\\d+)$`).exec(String(after));
    expect(marker, `${where} is a replacement`).not.toBeNull();
    const ref = refs[Number(marker![2])];
    expect({ kind: marker![1], ref }, where).toEqual({
      kind,
      ref: { kind, key: expectedKey(String(before), playlistKey, new Map()) },
    });
    return;
  }
  expect(typeof after, where).toBe('object');
  expect(Object.keys(after as object), where).toEqual(Object.keys(before));
  for (const [name, value] of Object.entries(before)) {
    compareParsed(value, (after as Record<string, unknown>)[name], refs, playlistKey, [
      ...path,
      name,
    ]);
  }
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest('SHA-256', new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, '0')).join('');
}
