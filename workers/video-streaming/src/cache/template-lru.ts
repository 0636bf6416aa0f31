import type { Template } from '../template.ts';

type Entry = { template: Template; expiresAt: number; weight: number };

/**
 * A bounded LRU in isolate memory (a Map keeps insertion order: a hit moves its entry
 * to the end, eviction takes from the front). Weight is the template's length in
 * UTF-16 code units; a 600-segment presigned playlist weighs about 200,000.
 */
export class TemplateLru {
  readonly #entries = new Map<string, Entry>();
  #weight = 0;

  constructor(
    readonly maxEntries = 512,
    readonly maxWeight = 8_000_000,
  ) {}

  get size(): number {
    return this.#entries.size;
  }

  keys(): string[] {
    return [...this.#entries.keys()];
  }

  clear(): void {
    this.#entries.clear();
    this.#weight = 0;
  }

  get(key: string, now: number): Template | undefined {
    const entry = this.#entries.get(key);
    if (entry === undefined) return undefined;
    this.#entries.delete(key);
    if (now >= entry.expiresAt) {
      this.#weight -= entry.weight;
      return undefined;
    }
    this.#entries.set(key, entry);
    return entry.template;
  }

  /** Keeps `template` until `expiresAt` (ms) or until evicted. */
  set(key: string, template: Template, expiresAt: number): void {
    let weight = 0;
    for (const part of template.parts) weight += part.length;
    // One huge playlist must not flush every other video.
    if (weight > this.maxWeight / 8) return;
    this.#drop(key);
    this.#entries.set(key, { template, expiresAt, weight });
    this.#weight += weight;
    for (const [oldest] of this.#entries) {
      if (this.#entries.size <= this.maxEntries && this.#weight <= this.maxWeight) break;
      this.#drop(oldest);
    }
  }

  #drop(key: string): void {
    const entry = this.#entries.get(key);
    if (entry === undefined) return;
    this.#entries.delete(key);
    this.#weight -= entry.weight;
  }
}
