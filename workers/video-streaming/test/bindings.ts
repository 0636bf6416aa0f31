// Bindings for tests: the real local ones, recorded or made to fail like an outage.
import { env } from 'cloudflare:workers';

/** A binding that records the name of every method called on it, and otherwise is the real one. */
export function recording<T extends object>(binding: T, calls: string[]): T {
  return new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        calls.push(String(property));
        return value.apply(target, args);
      };
    },
  });
}

/** A binding whose every method fails, as R2 or KV do in an outage. */
export function failing<T extends object>(binding: T, calls: string[] = []): T {
  return new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return () => {
        calls.push(String(property));
        return Promise.reject(new Error(`simulated outage in ${String(property)}`));
      };
    },
  });
}

/**
 * Empties the KV namespace (config versions, pointer, cached playlists): the worker is
 * back to its defaults. Local KV keeps its state between the tests of a file.
 */
export async function resetKv(): Promise<void> {
  const { keys } = await env.VIDEO_CACHE.list();
  await Promise.all(keys.map((key) => env.VIDEO_CACHE.delete(key.name)));
}
