/** A `.wasm` file imported for workerd: the bundler hands over the compiled module. */
declare module '*.wasm?module' {
  const module: WebAssembly.Module;
  export default module;
}
