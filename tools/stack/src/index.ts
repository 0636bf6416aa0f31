export { type DevVars, ensureDevVars, readDevVars } from './dev-vars.ts';
export { repoRoot, services, stateDir, urls } from './layout.ts';
export {
  applyMigrations,
  type LocalBucket,
  type LocalDatabase,
  type LocalKv,
  type LocalState,
  migrationNames,
  openLocalState,
} from './local-state.ts';
export {
  DEFAULT_VIDEO_CONFIG,
  type DemoManifest,
  type MediaRow,
  prepareLocalState,
  readDemoManifest,
  seedDemo,
} from './seed.ts';
