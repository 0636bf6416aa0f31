/**
 * `#sha256x4.wasm` inside workerd (package.json "imports"): the module comes with the
 * worker's bundle (`?module`: a `WebAssembly.Module`, for wrangler and the vitest
 * plugin alike), because workerd refuses to compile WebAssembly from bytes at run time.
 */
import module from './sha256x4.wasm?module';

export default module;
