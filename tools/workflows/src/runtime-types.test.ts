import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { environments, repositoryRoot } from './repository.ts';
import { readWranglerConfig } from './wrangler.ts';

// The workerd runtime types are generated once, from packages/http's config, into
// packages/http/worker-runtime.d.ts; every other package generates only its own `Env`.
// That is right only while every config runs on the same compatibility date and flags.
const runtimeTypesConfig = 'packages/http';
const typedConfigs = ['workers/viewer', 'workers/video-streaming', 'tools/dev-s3'];

describe('one set of runtime types for the repository', () => {
  const runtime = (dir: string, environment: string) => {
    const config = readWranglerConfig(join(repositoryRoot, dir), environment);
    return {
      date: config.compatibility_date,
      flags: [...(config.compatibility_flags ?? [])].sort(),
    };
  };
  const expected = runtime(runtimeTypesConfig, '');

  it.each(
    typedConfigs.flatMap((dir) => environments.map((environment) => [dir, environment] as const)),
  )(
    '%s (env "%s") runs on the compatibility date and flags the types were made for',
    (dir, environment) => {
      expect(runtime(dir, environment)).toEqual(expected);
    },
  );
});
