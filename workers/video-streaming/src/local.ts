import { withFaultSwitch } from '@edge-gallery/http/fault-switch';
import worker from './index.ts';

// The entry `wrangler dev` runs (the package's dev script): the deployed worker behind the
// local fault switch, which `pnpm bench` arms to make R2 and KV fail under load. Deploys
// use src/index.ts (wrangler.jsonc `main`), which never imports the switch.
export default withFaultSwitch<Env>(worker, { MEDIA: 'R2', VIDEO_CACHE: 'KV' });
