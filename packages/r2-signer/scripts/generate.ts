/**
 * Writes the package's generated sources from what they are generated from, or with
 * `--check` fails if a committed one differs (`pnpm lint` runs the check):
 *
 * - src/sha256x4.wasm, assembled by wabt from src/sha256x4.wat. Workerd compiles
 *   WebAssembly only from modules bundled with the worker, never from bytes at run time,
 *   so the binary is committed beside its source.
 * - src/sha256-compress.ts, SHA-256's unrolled rounds, written by
 *   src/sha256-compress.generator.ts and formatted by the repository's biome.
 *
 *   node scripts/generate.ts           writes them
 *   node scripts/generate.ts --check   fails if a committed file is not its source's output
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import wabt from 'wabt';
import { sha256CompressSource } from '../src/sha256-compress.generator.ts';

const src = (name: string) => new URL(`../src/${name}`, import.meta.url);

async function assembleWasm(): Promise<Uint8Array> {
  const module = (await wabt()).parseWat('sha256x4.wat', readFileSync(src('sha256x4.wat'), 'utf8'));
  module.validate();
  const { buffer } = module.toBinary({ write_debug_names: false });
  module.destroy();
  return buffer;
}

/** Formats TypeScript as `biome check` wants it, so that lint passes on generated files too. */
function formatted(path: URL, text: string): Uint8Array {
  const biome = createRequire(import.meta.url).resolve('@biomejs/biome/bin/biome');
  return execFileSync(
    process.execPath,
    [biome, 'format', `--stdin-file-path=${fileURLToPath(path)}`],
    { input: text, cwd: fileURLToPath(new URL('..', import.meta.url)) },
  );
}

const generated: { name: string; from: string; make: () => Promise<Uint8Array> }[] = [
  { name: 'sha256x4.wasm', from: 'sha256x4.wat', make: assembleWasm },
  {
    name: 'sha256-compress.ts',
    from: 'sha256-compress.generator.ts',
    make: async () => formatted(src('sha256-compress.ts'), sha256CompressSource()),
  },
];

const check = process.argv.includes('--check');
let stale = 0;
for (const { name, from, make } of generated) {
  const bytes = await make();
  if (!check) {
    writeFileSync(src(name), bytes);
    console.log(`src/${name}: ${bytes.length} bytes`);
  } else if (!existsSync(src(name)) || !Buffer.from(bytes).equals(readFileSync(src(name)))) {
    console.error(`src/${name} is not the output of src/${from}: run \`pnpm generate\``);
    stale++;
  }
}
if (stale > 0) process.exit(1);
