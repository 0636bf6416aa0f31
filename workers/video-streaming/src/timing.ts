import type { Tier } from './cache/templates.ts';

/**
 * Server-Timing for one request (sent only when debug is on): the strategy, the cache
 * tier that answered, and how long signing, KV and storage took. Never a secret.
 *
 * Workers stop the clock while code runs (a Spectre mitigation) and advance it only at
 * I/O, so in production `sign` reads 0 and the I/O entries carry the time.
 */
/** Durations: presigning, KV reads, storage reads (R2 binding or S3), Cache API calls. */
type Metric = 'sign' | 'kv' | 'r2' | 's3' | 'cache-api';

export class Timing {
  readonly #durations = new Map<string, number>();
  #strategy: string | undefined;
  #tier: Tier | undefined;
  #config: string | null | undefined;

  strategy(name: string): void {
    this.#strategy = name;
  }

  /** The cache tier that answered: `isolate`, `cache`, `kv`, or `miss`. */
  tier(name: Tier): void {
    this.#tier = name;
  }

  configVersion(version: string | null): void {
    this.#config = version;
  }

  add(metric: Metric, ms: number): void {
    this.#durations.set(metric, (this.#durations.get(metric) ?? 0) + ms);
  }

  async measure<T>(metric: Exclude<Metric, 'sign'>, work: Promise<T>): Promise<T> {
    const started = performance.now();
    try {
      return await work;
    } finally {
      this.add(metric, performance.now() - started);
    }
  }

  header(): string {
    const entries: string[] = [];
    if (this.#strategy !== undefined) entries.push(`strategy;desc=${this.#strategy}`);
    if (this.#tier !== undefined) entries.push(`cache;desc=${this.#tier}`);
    if (this.#config !== undefined) entries.push(`config;desc=${this.#config ?? 'default'}`);
    for (const [metric, ms] of this.#durations) entries.push(`${metric};dur=${ms.toFixed(2)}`);
    return entries.join(', ');
  }
}
