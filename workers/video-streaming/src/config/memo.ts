import type { RolloutConfig } from './document.ts';
import {
  ConfigDocumentError,
  type ConfigKv,
  CURRENT_KEY,
  parsePointer,
  readVersion,
  type VersionId,
  versionKey,
} from './versions.ts';

export type LoadedConfig = {
  /** null when no version is published, or none could be read. */
  version: VersionId | null;
  config: RolloutConfig;
  /**
   * `kv`: the published version. `default`: none is published. `fallback`: KV failed or
   * holds a bad document; nothing built from a fallback is written to a shared cache.
   */
  source: 'kv' | 'default' | 'fallback';
};

// Isolate memo: a published config is re-checked about once a minute, an absent one more
// often so that a first publish takes effect quickly; a failing KV is retried after 5 s.
export const MEMO_MS = { found: 60_000, absent: 10_000, failed: 5_000 } as const;

/** Reads the live config through an isolate memo. One instance per isolate and namespace. */
export class ConfigMemo {
  #memo: { loaded: LoadedConfig; until: number } | undefined;
  #pending: Promise<LoadedConfig> | undefined;
  // Version documents never change once written: each is read once per isolate.
  readonly #documents = new Map<VersionId, RolloutConfig>();

  constructor(
    readonly kv: ConfigKv,
    readonly defaults: RolloutConfig,
  ) {}

  /** The live config; `onRead` hears how long a KV read took, when one happened. */
  current(now: number, onRead?: (ms: number) => void): Promise<LoadedConfig> {
    const memo = this.#memo;
    if (memo !== undefined && now < memo.until) return Promise.resolve(memo.loaded);
    // Concurrent requests of one isolate share one read.
    this.#pending ??= this.#load(now, onRead).finally(() => {
      this.#pending = undefined;
    });
    return this.#pending;
  }

  /** The config this isolate last read, however old, without any I/O. */
  peek(): LoadedConfig | undefined {
    return this.#memo?.loaded;
  }

  /** Makes a just-published or rolled-back version live in this isolate at once. */
  remember(version: VersionId, config: RolloutConfig, now: number): void {
    this.#documents.set(version, config);
    this.#memo = { loaded: { version, config, source: 'kv' }, until: now + MEMO_MS.found };
  }

  async #load(now: number, onRead?: (ms: number) => void): Promise<LoadedConfig> {
    const started = performance.now();
    let loaded: LoadedConfig;
    let ttl: number;
    try {
      const read = await readLive(this.kv, this.defaults, this.#documents);
      loaded = read ?? { version: null, config: this.defaults, source: 'default' };
      ttl = read === undefined ? MEMO_MS.absent : MEMO_MS.found;
    } catch (error) {
      console.error('video-streaming: config unreadable, serving a fallback', describe(error));
      // A config that was live a moment ago is a better guess than the defaults.
      const previous = this.#memo?.loaded;
      loaded = {
        version: previous?.version ?? null,
        config: previous?.config ?? this.defaults,
        source: 'fallback',
      };
      ttl = MEMO_MS.failed;
    }
    onRead?.(performance.now() - started);
    this.#memo = { loaded, until: now + ttl };
    return loaded;
  }
}

async function readLive(
  kv: ConfigKv,
  defaults: RolloutConfig,
  documents: Map<VersionId, RolloutConfig>,
): Promise<LoadedConfig | undefined> {
  const pointer = await kv.get(CURRENT_KEY);
  if (pointer === null) return undefined;
  const version = parsePointer(pointer);
  if (version === undefined) throw new ConfigDocumentError(`${CURRENT_KEY} is not a version key`);
  let config = documents.get(version);
  if (config === undefined) {
    config = await readVersion(kv, version, defaults);
    if (config === undefined) throw new ConfigDocumentError(`${versionKey(version)} is missing`);
    documents.set(version, config);
  }
  return { version, config, source: 'kv' };
}

function describe(error: unknown): string {
  return error instanceof Error ? `${error.name}: ${error.message}` : typeof error;
}
