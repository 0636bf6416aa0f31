/**
 * `#sha256x4.wasm` outside workerd (package.json "imports"): Node tools run this package
 * as TypeScript source, and Node compiles the module from its bytes. Inside workerd the
 * same specifier is the .wasm file itself, which the bundler turns into a
 * `WebAssembly.Module`: workerd refuses to compile WebAssembly from bytes at run time.
 */
import { readFileSync } from 'node:fs';

export default new WebAssembly.Module(readFileSync(new URL('./sha256x4.wasm', import.meta.url)));
