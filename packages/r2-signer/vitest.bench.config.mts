import { cloudflareTest } from '@cloudflare/vitest-plugin';
import { defineConfig } from 'vitest/config';

// `pnpm bench`: one run, two runtimes. Not part of `test`: nothing here is asserted.
export default defineConfig({
  test: {
    projects: [
      {
        plugins: [
          cloudflareTest({
            miniflare: {
              compatibilityDate: '2026-11-01',
              kvNamespaces: ['SIGNED_URLS'],
              // As in vitest.config.mts: `x.wasm?module` is a WebAssembly.Module.
              modulesRules: [{ type: 'CompiledWasm', include: ['**/*.wasm', '**/*.wasm?module'] }],
            },
          }),
        ],
        test: {
          name: 'workerd',
          benchmark: { include: ['bench/workerd.bench.ts'] },
          // One runtime at a time: both would share the same two cores otherwise.
          sequence: { groupOrder: 0 },
        },
      },
      {
        test: {
          name: 'node',
          environment: 'node',
          benchmark: { include: ['bench/node.bench.ts'] },
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
