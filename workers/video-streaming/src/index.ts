import { createWorker } from './worker.ts';

const worker = createWorker();

export default { fetch: worker.fetch } satisfies ExportedHandler<Env>;
