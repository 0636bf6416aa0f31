import { jsonError } from './json-error.ts';
import { objectMemo } from './object-memo.ts';

// One bounded wait for every call a worker makes through its R2, KV and D1 bindings. A
// binding that hangs (an R2 or D1 incident, a KV read stuck behind a cold key) would
// otherwise hold the visitor until the platform's own limit, and one that throws became a
// 500. Either way the visitor now gets 503 with Retry-After and a JSON reason, answered
// once by the worker's error mapping (`bindingUnavailableResponse`), never cached.
//
// The wait covers a call until its promise settles: for an R2 `get` that is the object's
// headers, not its body, so a long download is never cut. No call is retried: a retry
// doubles the load on a store already failing, and players and the SPA retry on their own.

/** A binding call that failed or did not answer in time. */
export class BindingUnavailable extends Error {
  override readonly name = 'BindingUnavailable';
  constructor(
    /** The env name of the binding, e.g. `MEDIA`. */
    readonly binding: string,
    /** The JSON reason answered to the visitor, e.g. `storage-unavailable`. */
    readonly reason: string,
    readonly kind: 'timeout' | 'error',
    /** The binding's own error (only for logs: its message may name a key). */
    override readonly cause?: unknown,
  ) {
    super(`${binding}: ${kind === 'timeout' ? 'no answer in time' : 'the call failed'}`);
  }
}

export type BindingBound = {
  /** The reason code answered while this binding is unavailable. */
  reason: string;
  /** The longest wait for one call, in milliseconds. */
  timeoutMs: number;
};

/** Seconds a client should wait before trying again after a 503 of this kind. */
export const BINDING_RETRY_AFTER_SECONDS = 1;

// Calls that stream a request body of any length: a deadline would cut a large upload.
const UNBOUNDED = new Set(['put', 'uploadPart']);

const bounded = new WeakMap<object, object>();
const targets = new WeakMap<object, object>();

/**
 * `env` with the named bindings replaced by bounded ones (memoised per env object, so that
 * per-isolate memos keyed by the env or by what is parsed from it keep working).
 */
export function boundBindings<E extends object>(
  env: E,
  bounds: Partial<Record<keyof E & string, BindingBound>>,
): E {
  const known = bounded.get(env);
  if (known !== undefined) return known as E;
  const out = { ...env } as Record<string, unknown>;
  for (const [name, bound] of Object.entries(bounds) as [string, BindingBound][]) {
    const binding = out[name];
    if (typeof binding === 'object' && binding !== null) {
      out[name] = boundBinding(binding, name, bound);
    }
  }
  bounded.set(env, out);
  return out as E;
}

// Errors a bounded binding call rejected with, as the binding threw them: callers that
// inspect them (R2's "invalid part" on a multipart completion is the client's fault) still
// can, and the worker's error mapping recognises them as the binding's (`bindingFailure`).
const failures = new WeakMap<object, BindingUnavailable>();

/**
 * Settles like `work`, or rejects with BindingUnavailable after `bound.timeoutMs`. A
 * rejection of `work` is passed on as it is, recorded as this binding's failure. The one
 * deadline of this package.
 */
export function withinDeadline<T>(work: Promise<T>, binding: string, bound: BindingBound) {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new BindingUnavailable(binding, bound.reason, 'timeout')),
      bound.timeoutMs,
    );
  });
  const settled = work.then(
    (value) => value,
    (error: unknown) => {
      if (typeof error === 'object' && error !== null && !(error instanceof BindingUnavailable)) {
        failures.set(error, new BindingUnavailable(binding, bound.reason, 'error', error));
      }
      throw error;
    },
  );
  return Promise.race([settled, deadline]).finally(() => clearTimeout(timer));
}

/**
 * The BindingUnavailable an error stands for: itself (a timeout), the record of a bounded
 * call that threw it, or undefined when no bounded binding call produced it.
 */
export function bindingFailure(error: unknown): BindingUnavailable | undefined {
  if (error instanceof BindingUnavailable) return error;
  return typeof error === 'object' && error !== null ? failures.get(error) : undefined;
}

/** The answer for a BindingUnavailable: 503, `{"error": reason}`, Retry-After, no-store. */
export function bindingUnavailableResponse(error: BindingUnavailable): Response {
  return jsonError(503, error.reason, { 'Retry-After': String(BINDING_RETRY_AFTER_SECONDS) });
}

const proxies = objectMemo<string, object>();

/**
 * One bounded proxy per binding object and bound: memos keyed by a binding (the viewer's
 * versions memo keys on its KV namespace) see the same object whichever env it came from.
 */
function boundBinding<T extends object>(target: T, name: string, bound: BindingBound): T {
  const id = `${name}\n${bound.reason}\n${bound.timeoutMs}`;
  return proxies(target, id, () => wrap(target, name, bound)) as T;
}

function wrap<T extends object>(target: T, binding: string, bound: BindingBound): T {
  const proxy = new Proxy(target, {
    get(object, property) {
      const value = Reflect.get(object, property, object);
      if (typeof value !== 'function') return value;
      return (...args: unknown[]) => {
        // Native methods need their own object as `this`, and proxies unwrapped as
        // arguments (D1's batch takes statements made by prepare).
        const result: unknown = value.apply(object, args.map(unwrapped));
        if (UNBOUNDED.has(String(property))) return result;
        if (result instanceof Promise) return withinDeadline(result, binding, bound);
        // D1's prepare and bind return statements whose first/all/run do the I/O.
        if (typeof result === 'object' && result !== null && !ArrayBuffer.isView(result)) {
          return wrap(result, binding, bound);
        }
        return result;
      };
    },
  });
  targets.set(proxy, target);
  return proxy;
}

function unwrapped(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(unwrapped);
  return (typeof value === 'object' && value !== null && targets.get(value)) || value;
}
