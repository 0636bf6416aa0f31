export { cameraDemoTitles, prepareCameraDemo } from './camera-demo.ts';
export { type DevVars, ensureDevVars, readDevVars, stackVars } from './dev-vars.ts';
export { answering, ensureStack, type Stack } from './ensure-stack.ts';
export { findExecutable } from './executable.ts';
export { repoRoot, services, stateDir, urls } from './layout.ts';
export {
  applyMigrations,
  type LocalBucket,
  type LocalDatabase,
  type LocalKv,
  type LocalState,
  migrationNames,
  type ObjectBody,
  openLocalState,
} from './local-state.ts';
export * from './media-row.ts';
export {
  DEFAULT_VIDEO_CONFIG,
  type DemoManifest,
  prepareLocalState,
  readDemoManifest,
  seedDemo,
} from './seed.ts';
export {
  runWrangler,
  type ServeOptions,
  type ServingWrangler,
  serveWrangler,
  type WranglerOptions,
  type WranglerResult,
} from './wrangler.ts';
