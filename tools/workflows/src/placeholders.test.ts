import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { fillPlaceholders, placeholdersIn, variableFor } from './placeholders.ts';
import { repositoryRoot } from './repository.ts';
import { readWranglerConfig } from './wrangler.ts';

describe('resource id placeholders', () => {
  it('finds each REPLACE_WITH_ name of a configuration once, in nested values', () => {
    const config = {
      kv_namespaces: [{ binding: 'KV', id: 'REPLACE_WITH_STAGING_KV_ID' }],
      vars: { R2_ACCOUNT_ID: 'REPLACE_WITH_ACCOUNT_ID', OTHER: 'x' },
      d1_databases: [{ database_id: 'REPLACE_WITH_STAGING_KV_ID' }],
    };
    expect(placeholdersIn(config)).toEqual([
      'REPLACE_WITH_ACCOUNT_ID',
      'REPLACE_WITH_STAGING_KV_ID',
    ]);
  });

  it('reads a variable named without the environment, which the GitHub environment implies', () => {
    expect(variableFor('REPLACE_WITH_STAGING_D1_ID', 'staging')).toBe('D1_ID');
    expect(variableFor('REPLACE_WITH_PRODUCTION_D1_ID', 'production')).toBe('D1_ID');
    expect(variableFor('REPLACE_WITH_ACCOUNT_ID', 'staging')).toBe('ACCOUNT_ID');
  });

  it('fills every occurrence, and only whole placeholder names', () => {
    const text =
      '"a": "REPLACE_WITH_ACCOUNT_ID", "b": "REPLACE_WITH_ACCOUNT_ID", "c": "REPLACE_WITH_ACCOUNT_ID_2"';
    const filled = fillPlaceholders(text, ['REPLACE_WITH_ACCOUNT_ID'], 'staging', {
      ACCOUNT_ID: '0123abcd',
    });
    expect(filled).toEqual({
      text: '"a": "0123abcd", "b": "0123abcd", "c": "REPLACE_WITH_ACCOUNT_ID_2"',
      missing: [],
      invalid: [],
    });
  });

  it('names the variables that are unset or empty instead of writing them', () => {
    const filled = fillPlaceholders(
      '"REPLACE_WITH_STAGING_D1_ID" "REPLACE_WITH_ACCOUNT_ID"',
      ['REPLACE_WITH_ACCOUNT_ID', 'REPLACE_WITH_STAGING_D1_ID'],
      'staging',
      { ACCOUNT_ID: '' },
    );
    expect(filled.missing).toEqual(['ACCOUNT_ID', 'D1_ID']);
    expect(filled.text).toBe('"REPLACE_WITH_STAGING_D1_ID" "REPLACE_WITH_ACCOUNT_ID"');
  });

  it('refuses a value that is no plain id, so a variable cannot rewrite the JSON around it', () => {
    const filled = fillPlaceholders(
      '{"id": "REPLACE_WITH_ACCOUNT_ID"}',
      ['REPLACE_WITH_ACCOUNT_ID'],
      'staging',
      {
        ACCOUNT_ID: 'x", "main": "evil.js',
      },
    );
    expect(filled.invalid).toEqual(['ACCOUNT_ID']);
    expect(filled.text).toBe('{"id": "REPLACE_WITH_ACCOUNT_ID"}');
  });
});

describe("the workers' wrangler.jsonc", () => {
  const scratch = mkdtempSync(join(tmpdir(), 'edge-gallery-ids-'));
  afterAll(() => rmSync(scratch, { recursive: true, force: true }));

  it('has no placeholder in the local default, which needs no account', () => {
    for (const worker of ['workers/viewer', 'workers/video-streaming']) {
      expect(placeholdersIn(readWranglerConfig(join(repositoryRoot, worker), ''))).toEqual([]);
    }
  });

  it("fills the video worker's staging ids and leaves production's for its own deploy", () => {
    const source = join(repositoryRoot, 'workers/video-streaming/wrangler.jsonc');
    writeFileSync(join(scratch, 'wrangler.jsonc'), readFileSync(source));
    const placeholders = placeholdersIn(readWranglerConfig(scratch, 'staging'));
    const filled = fillPlaceholders(readFileSync(source, 'utf8'), placeholders, 'staging', {
      ACCOUNT_ID: '0123456789abcdef0123456789abcdef',
      VIDEO_CACHE_KV_ID: 'fedcba9876543210fedcba9876543210',
    });
    expect(filled.missing).toEqual([]);
    writeFileSync(join(scratch, 'wrangler.jsonc'), filled.text);

    expect(placeholdersIn(readWranglerConfig(scratch, 'staging'))).toEqual([]);
    expect(readWranglerConfig(scratch, 'staging').kv_namespaces[0]?.id).toBe(
      'fedcba9876543210fedcba9876543210',
    );
    expect(placeholdersIn(readWranglerConfig(scratch, 'production'))).toContain(
      'REPLACE_WITH_PRODUCTION_VIDEO_CACHE_KV_ID',
    );
  });
});
