import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { unstable_readConfig } from 'wrangler';
import { parseDevVars } from './dev-vars.ts';
import { devVarsDirs, repoRoot, services } from './layout.ts';

describe('stack layout', () => {
  it.each(devVarsDirs)(
    '%s: .dev.vars.example names every secret its wrangler config requires',
    (dir) => {
      const config = unstable_readConfig({ config: join(repoRoot, dir, 'wrangler.jsonc') });
      const example = parseDevVars(readFileSync(join(repoRoot, dir, '.dev.vars.example'), 'utf8'));
      for (const name of config.secrets?.required ?? [])
        expect([...example.keys()]).toContain(name);
    },
  );

  it.each(Object.values(services))(
    '$name: its package has a dev script on its fixed port',
    (service) => {
      const { scripts } = JSON.parse(
        readFileSync(join(repoRoot, service.dir, 'package.json'), 'utf8'),
      );
      expect(scripts.dev).toContain(String(service.port));
    },
  );

  it.each([services.viewer, services.video, services.devS3])(
    '$name: wrangler dev persists to the shared .state',
    (service) => {
      const { scripts } = JSON.parse(
        readFileSync(join(repoRoot, service.dir, 'package.json'), 'utf8'),
      );
      expect(scripts.dev).toContain('--persist-to ../../.state');
    },
  );

  it('keeps generated secrets out of git', () => {
    const ignored = readFileSync(join(repoRoot, '.gitignore'), 'utf8').split('\n');
    expect(ignored).toContain('.dev.vars');
    expect(ignored).toContain('.state/');
    expect(existsSync(join(repoRoot, '.gitignore'))).toBe(true);
  });

  it('the dev S3 endpoint can never be deployed', () => {
    const { scripts } = JSON.parse(
      readFileSync(join(repoRoot, services.devS3.dir, 'package.json'), 'utf8'),
    );
    expect(scripts.deploy).toBeUndefined();
    const config = unstable_readConfig({
      config: join(repoRoot, services.devS3.dir, 'wrangler.jsonc'),
    });
    expect(Object.keys(config.env ?? {})).toEqual([]);
  });
});
