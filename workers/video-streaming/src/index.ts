import { AutoRouter } from 'itty-router';

const router = AutoRouter();

router.get('/healthz', () => ({ ok: true }));

export default { fetch: router.fetch } satisfies ExportedHandler<Env>;
