/**
 * Assembles src/sha256x4.wat into src/sha256x4.wasm, the binary the workers import
 * (workerd compiles WebAssembly only from modules bundled with the worker, never from
 * bytes at run time, so the binary is committed beside its source).
 *
 *   node scripts/assemble-wasm.ts           writes the .wasm
 *   node scripts/assemble-wasm.ts --check   fails if the committed .wasm is not the assembly of the .wat
 */
import { readFileSync, writeFileSync } from 'node:fs';
import wabt from 'wabt';

const source = new URL('../src/sha256x4.wat', import.meta.url);
const target = new URL('../src/sha256x4.wasm', import.meta.url);

const module = (await wabt()).parseWat('sha256x4.wat', readFileSync(source, 'utf8'));
module.validate();
const { buffer } = module.toBinary({ write_debug_names: false });
module.destroy();

if (process.argv.includes('--check')) {
  const committed = readFileSync(target);
  if (!committed.equals(buffer)) {
    console.error('src/sha256x4.wasm is not the assembly of src/sha256x4.wat: run `pnpm assemble`');
    process.exit(1);
  }
} else {
  writeFileSync(target, buffer);
  console.log(`src/sha256x4.wasm: ${buffer.length} bytes`);
}
