import { TemplateLru } from './cache/template-lru.ts';
import { defaultConfig } from './config/document.ts';
import { ConfigMemo, type LoadedConfig } from './config/memo.ts';
import { type Settings, settingsOf } from './env.ts';
import { Timing } from './timing.ts';
import { r2Storage, type Storage, s3Storage } from './upstream.ts';

/** What lives as long as the isolate: caches and the config memo. */
export class Isolate {
  readonly templates = new TemplateLru();
  readonly #configs = new WeakMap<Settings, ConfigMemo>();
  readonly #storages = new WeakMap<Settings, Storage>();

  constructor(readonly fetcher: typeof fetch = (input, init) => fetch(input, init)) {}

  configMemo(settings: Settings, kv: KVNamespace): ConfigMemo {
    let store = this.#configs.get(settings);
    if (store === undefined) {
      store = new ConfigMemo(kv, defaultConfig(settings));
      this.#configs.set(settings, store);
    }
    return store;
  }

  storage(settings: Settings, bucket: R2Bucket): Storage {
    let storage = this.#storages.get(settings);
    if (storage === undefined) {
      storage =
        settings.storage === 's3'
          ? s3Storage({ GET: settings.presigner, HEAD: settings.headPresigner }, this.fetcher)
          : r2Storage(bucket);
      this.#storages.set(settings, storage);
    }
    return storage;
  }
}

/** One request on its way through the worker. */
export class Visit {
  readonly url: URL;
  readonly timing = new Timing();
  /** The config, once this request has read it. */
  loaded: LoadedConfig | undefined;
  #settings: Settings | undefined;

  constructor(
    readonly request: Request,
    readonly env: Env,
    readonly ctx: ExecutionContext,
    readonly isolate: Isolate,
    /** Milliseconds; one clock reading per request. */
    readonly now: number,
  ) {
    this.url = new URL(request.url);
  }

  /** The validated environment (throws EnvError, answered as 500 misconfigured). */
  get settings(): Settings {
    this.#settings ??= settingsOf(this.env);
    return this.#settings;
  }

  get storage(): Storage {
    return this.isolate.storage(this.settings, this.env.MEDIA);
  }

  get configMemo(): ConfigMemo {
    return this.isolate.configMemo(this.settings, this.env.VIDEO_CACHE);
  }

  /** The live config through the isolate memo; never fails (KV trouble gives a fallback). */
  async config(): Promise<LoadedConfig> {
    this.loaded ??= await this.configMemo.current(this.now, (ms) => this.timing.add('kv', ms));
    this.timing.configVersion(this.loaded.version);
    return this.loaded;
  }
}
