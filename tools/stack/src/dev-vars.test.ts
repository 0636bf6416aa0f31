import { mkdirSync, mkdtempSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ensureDevVars, generateSecret, parseDevVars, planDevVars } from './dev-vars.ts';

function configs(examples: Record<string, string>): string[] {
  const root = mkdtempSync(join(tmpdir(), 'dev-vars-'));
  return Object.entries(examples).map(([name, example]) => {
    const dir = join(root, name);
    mkdirSync(dir);
    writeFileSync(join(dir, '.dev.vars.example'), example);
    return dir;
  });
}

const read = (dir: string) => parseDevVars(readFileSync(join(dir, '.dev.vars'), 'utf8'));

describe('.dev.vars generation', () => {
  it('fills every empty example value with a random secret and copies the others', () => {
    const plan = planDevVars('# comment\nAUTH_SECRET=\nDEBUG=true\n', undefined, new Map());
    const vars = parseDevVars(plan.text!);
    expect(vars.get('AUTH_SECRET')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(vars.get('DEBUG')).toBe('true');
    expect(plan.added).toEqual(['AUTH_SECRET', 'DEBUG']);
  });

  it('never generates the same secret twice', () => {
    expect(generateSecret('AUTH_SECRET')).not.toBe(generateSecret('AUTH_SECRET'));
  });

  it('shapes secrets like the values production holds', () => {
    expect(generateSecret('PLAYBACK_TOKEN_SECRET')).toMatch(/^k1:[A-Za-z0-9_-]{43}$/);
    expect(generateSecret('R2_ACCESS_KEY_ID')).toMatch(/^[0-9a-f]{32}$/);
    expect(generateSecret('R2_SECRET_ACCESS_KEY')).toMatch(/^[0-9a-f]{64}$/);
    expect(generateSecret('GALLERY_PASSWORD')).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(generateSecret('OWNER_PASSWORD')).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
  });

  it('generates the owner password beside, and apart from, the guest password', () => {
    const [viewer] = configs({ viewer: 'GALLERY_PASSWORD=\nOWNER_PASSWORD=\n' }) as [string];
    ensureDevVars([viewer]);
    const vars = read(viewer);
    expect(vars.get('OWNER_PASSWORD')).toMatch(/^[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}$/);
    expect(vars.get('OWNER_PASSWORD')).not.toBe(vars.get('GALLERY_PASSWORD'));
  });

  it('gives configs that name the same secret the same value', () => {
    const [viewer, video, s3] = configs({
      viewer: 'GALLERY_PASSWORD=\nPLAYBACK_TOKEN_SECRET=\n',
      video: 'PLAYBACK_TOKEN_SECRET=\nR2_ACCESS_KEY_ID=\nR2_SECRET_ACCESS_KEY=\n',
      s3: 'R2_ACCESS_KEY_ID=\nR2_SECRET_ACCESS_KEY=\n',
    }) as [string, string, string];
    const { values } = ensureDevVars([viewer, video, s3]);
    expect(read(viewer).get('PLAYBACK_TOKEN_SECRET')).toBe(
      read(video).get('PLAYBACK_TOKEN_SECRET'),
    );
    expect(read(video).get('R2_ACCESS_KEY_ID')).toBe(read(s3).get('R2_ACCESS_KEY_ID'));
    expect(read(video).get('R2_SECRET_ACCESS_KEY')).toBe(read(s3).get('R2_SECRET_ACCESS_KEY'));
    expect(values.get('GALLERY_PASSWORD')).toBe(read(viewer).get('GALLERY_PASSWORD'));
  });

  it('keeps existing values on a second start and writes nothing', () => {
    const [viewer] = configs({ viewer: 'GALLERY_PASSWORD=\n' }) as [string];
    ensureDevVars([viewer]);
    const first = readFileSync(join(viewer, '.dev.vars'), 'utf8');
    const again = ensureDevVars([viewer]);
    expect(again.changed).toEqual([]);
    expect(readFileSync(join(viewer, '.dev.vars'), 'utf8')).toBe(first);
  });

  it('adds a name the example gained, reusing what another config already has', () => {
    const [viewer, video] = configs({
      viewer: 'AUTH_SECRET=\n',
      video: 'PLAYBACK_TOKEN_SECRET=\n',
    }) as [string, string];
    ensureDevVars([viewer, video]);
    writeFileSync(join(viewer, '.dev.vars.example'), 'AUTH_SECRET=\nPLAYBACK_TOKEN_SECRET=\n');
    const { changed } = ensureDevVars([viewer, video]);
    expect(changed).toEqual([
      { file: join(viewer, '.dev.vars'), added: ['PLAYBACK_TOKEN_SECRET'] },
    ]);
    expect(read(viewer).get('PLAYBACK_TOKEN_SECRET')).toBe(
      read(video).get('PLAYBACK_TOKEN_SECRET'),
    );
  });

  it('reports configs that disagree on a shared secret', () => {
    const [viewer, video] = configs({
      viewer: 'PLAYBACK_TOKEN_SECRET=\n',
      video: 'PLAYBACK_TOKEN_SECRET=\n',
    }) as [string, string];
    writeFileSync(join(viewer, '.dev.vars'), 'PLAYBACK_TOKEN_SECRET=k1:aaaaaaaaaaaaaaaaaaaa\n');
    writeFileSync(join(video, '.dev.vars'), 'PLAYBACK_TOKEN_SECRET=k1:bbbbbbbbbbbbbbbbbbbb\n');
    expect(ensureDevVars([viewer, video]).conflicts).toEqual(['PLAYBACK_TOKEN_SECRET']);
  });

  it('writes .dev.vars readable by its owner only', () => {
    const [viewer] = configs({ viewer: 'AUTH_SECRET=\n' }) as [string];
    ensureDevVars([viewer]);
    expect(statSync(join(viewer, '.dev.vars')).mode & 0o077).toBe(0);
  });
});
