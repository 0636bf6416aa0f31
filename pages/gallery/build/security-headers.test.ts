import { describe, expect, it } from 'vitest';
import {
  contentSecurityPolicy,
  pageHeaders,
  pagesHeadersFile,
  R2_ORIGINS,
} from './security-headers.ts';

const options = { videoApiBase: 'https://video.example.workers.dev/', mediaOrigins: [R2_ORIGINS] };

/** The policy as a map: directive → sources. */
const directives = (policy: string) =>
  new Map(
    policy.split(';').map((part) => {
      const [name, ...sources] = part.trim().split(/\s+/);
      return [name!, sources];
    }),
  );

describe('the page’s Content-Security-Policy', () => {
  const policy = directives(contentSecurityPolicy(options));

  it('runs only the page’s own scripts: nothing inline, no eval, no other origin', () => {
    expect(policy.get('script-src')).toEqual(["'self'"]);
    expect(policy.get('default-src')).toEqual(["'self'"]);
    expect(policy.get('object-src')).toEqual(["'none'"]);
    expect(policy.get('base-uri')).toEqual(["'none'"]);
  });

  it('cannot be framed', () => {
    expect(policy.get('frame-ancestors')).toEqual(["'none'"]);
    expect(pageHeaders(options)['X-Frame-Options']).toBe('DENY');
  });

  it('loads media only from itself, the video worker and storage', () => {
    for (const name of ['img-src', 'media-src', 'connect-src']) {
      const sources = policy.get(name)!;
      expect(sources).toContain('https://video.example.workers.dev');
      expect(sources).toContain(R2_ORIGINS);
      expect(sources.filter((s) => s === '*' || s === 'https:' || s === 'http:')).toEqual([]);
    }
  });

  it('allows inline styles in dev only (Vite injects CSS), never inline scripts', () => {
    expect(policy.get('style-src')).toEqual(["'self'"]);
    const dev = directives(contentSecurityPolicy({ ...options, dev: true }));
    expect(dev.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(dev.get('script-src')).toEqual(["'self'"]);
  });

  it('sends no Referer anywhere', () => {
    expect(pageHeaders(options)['Referrer-Policy']).toBe('no-referrer');
  });
});

describe('the _headers file', () => {
  it('puts every header on every path, in Pages’ format', () => {
    const file = pagesHeadersFile({ 'X-A': '1', 'X-B': 'two words' });
    expect(file.split('\n').filter((l) => !l.startsWith('#'))).toEqual([
      '/*',
      '  X-A: 1',
      '  X-B: two words',
      '',
    ]);
  });
});
