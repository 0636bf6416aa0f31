// hls.js ships no types for its `light` entry: the same API as the full build, fewer
// features inside (hls-engine.ts says which).
declare module 'hls.js/light' {
  export * from 'hls.js';
  export { default } from 'hls.js';
}
