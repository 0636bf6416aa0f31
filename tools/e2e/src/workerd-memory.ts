import { readdirSync, readFileSync } from 'node:fs';

// The memory of the workerd processes that `wrangler dev --port <port>` started: wrangler's
// own proxy workerd and the runtime one (the worker, and the local R2/KV/D1 simulators).
// Anonymous memory (RssAnon) is the heap and buffers a leak or a buffered body would grow;
// RSS adds file-backed pages (the workerd binary, mapped blobs) that the kernel may drop.

export type WorkerdMemory = {
  /** Total RSS of those processes, in bytes. */
  rss: number;
  /** Total RssAnon, in bytes. */
  anon: number;
  /** RssAnon of each process (pid → bytes): shows which workerd grew. */
  byPid: Map<number, number>;
};

function statusField(status: string, name: string): number {
  return Number(new RegExp(`${name}:\\s+(\\d+)`).exec(status)?.[1] ?? 0) * 1024;
}

export function workerdMemory(port: number): WorkerdMemory {
  const parentOf = new Map<number, number>();
  const names = new Map<number, string>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      parentOf.set(Number(entry), Number(fields[1]));
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
    } catch {}
  }
  const below = (pid: number): boolean => {
    for (let p = parentOf.get(pid); p !== undefined && p > 1; p = parentOf.get(p)) {
      try {
        if (readFileSync(`/proc/${p}/cmdline`, 'utf8').includes(`--port\0${port}\0`)) return true;
      } catch {}
    }
    return false;
  };
  const memory: WorkerdMemory = { rss: 0, anon: 0, byPid: new Map() };
  for (const [pid, name] of names) {
    if (name !== 'workerd' || !below(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      memory.rss += statusField(status, 'VmRSS');
      const anon = statusField(status, 'RssAnon');
      memory.anon += anon;
      memory.byPid.set(pid, anon);
    } catch {}
  }
  return memory;
}

/** Samples `port`'s workerd memory every `everyMs` until stopped. */
export function sampleWorkerdMemory(port: number, everyMs = 200) {
  const samples: { at: number; memory: WorkerdMemory }[] = [];
  const started = performance.now();
  const take = () => samples.push({ at: performance.now() - started, memory: workerdMemory(port) });
  take();
  const timer = setInterval(take, everyMs);
  return {
    samples,
    stop() {
      clearInterval(timer);
      take();
      return samples;
    },
  };
}
