// The local stack's fault switch: `pnpm bench` makes the workers' R2 and KV bindings fail
// for a minute under load and watches the 503s and the recovery. It lives only in the
// workers' local entries (src/local.ts, which `wrangler dev` runs); the deployed entry is
// src/index.ts, which never imports it (tools/stack's fault-switch test checks both), and
// even locally it does nothing unless `wrangler dev --var LOCAL_FAULT_SWITCH:on` set it
// (the stack passes that only when started with STACK_FAULT_SWITCH=on, as the bench does).
//
// Why a switch in front of the worker and not a broken simulator: what this exercises is
// the worker's own answer to a binding that throws or hangs (bounded-bindings.ts), the same
// path a real R2 or KV incident takes; breaking miniflare's SQLite or blob files instead
// fails in the simulator's own ways (SQLITE_BUSY, a missing blob), some of which it caches
// or crashes on, and would put the shared local state at risk.

import { objectMemo } from './object-memo.ts';

/** The variable that arms the switch; any value but exactly `on` leaves it out. */
export const FAULT_SWITCH_VARIABLE = 'LOCAL_FAULT_SWITCH';
/** GET: the switch's state; PUT `{"mode": "off" | "throw" | "hang"}`: sets it. */
export const FAULT_SWITCH_PATH = '/__local/faults';

export type FaultMode = 'off' | 'throw' | 'hang';
const MODES: readonly FaultMode[] = ['off', 'throw', 'hang'];

type Handler<E> = {
  fetch(request: Request, env: E, ctx: ExecutionContext): Promise<Response> | Response;
};
/** As the runtime calls it; tests may leave `ctx` out for a handler that never uses it. */
type SwitchedHandler<E> = {
  fetch(request: Request, env: E, ctx?: ExecutionContext): Promise<Response>;
};

// What R2 and KV throw in an incident (R2's internal error code 10001, KV's failed read).
const OUTAGE: Record<string, string> = {
  R2: 'We encountered an internal error. Please try again. (10001)',
  KV: 'KV GET failed: 500 Internal Server Error',
};

/**
 * `handler` with the named bindings made to throw or hang while the switch says so. With
 * the switch unarmed, every request goes to `handler` with the very env it came with.
 */
export function withFaultSwitch<E extends object>(
  handler: Handler<E>,
  bindings: Partial<Record<string & keyof E, 'R2' | 'KV'>>,
): SwitchedHandler<E> {
  // Per isolate: `wrangler dev` runs each worker in one.
  let mode: FaultMode = 'off';
  const faulty = objectMemo<FaultMode, E>();
  const envFor = (env: E): E => {
    if (mode === 'off') return env;
    const armed = mode;
    return faulty(env, armed, () => {
      const out = { ...env };
      for (const [name, kind] of Object.entries(bindings) as [string & keyof E, 'R2' | 'KV'][]) {
        const binding = env[name];
        if (typeof binding === 'object' && binding !== null) {
          out[name] = failing(binding, armed, OUTAGE[kind]!) as E[typeof name];
        }
      }
      return out;
    });
  };
  return {
    async fetch(request, env, ctx) {
      if ((env as Record<string, unknown>)[FAULT_SWITCH_VARIABLE] !== 'on') {
        return handler.fetch(request, env, ctx as ExecutionContext);
      }
      if (new URL(request.url).pathname === FAULT_SWITCH_PATH) {
        if (request.method === 'PUT') {
          const asked = ((await request.json().catch(() => ({}))) as { mode?: unknown }).mode;
          if (!MODES.includes(asked as FaultMode)) {
            return Response.json({ error: 'bad-mode', modes: MODES }, { status: 400 });
          }
          mode = asked as FaultMode;
        }
        return Response.json(
          { mode, bindings: Object.keys(bindings) },
          { headers: { 'Cache-Control': 'no-store' } },
        );
      }
      return handler.fetch(request, envFor(env), ctx as ExecutionContext);
    },
  };
}

/** A binding whose every method throws `message` (asynchronously) or never answers. */
function failing(binding: object, mode: 'throw' | 'hang', message: string): object {
  return new Proxy(binding, {
    get(target, property) {
      const value = Reflect.get(target, property, target);
      if (typeof value !== 'function') return value;
      return () =>
        mode === 'hang' ? new Promise<never>(() => {}) : Promise.reject(new Error(message));
    },
  });
}
