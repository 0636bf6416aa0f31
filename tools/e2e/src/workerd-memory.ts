import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

// The memory of the workerd processes that `wrangler dev --port <port>` started: wrangler's
// own proxy workerd and the runtime one (the worker, and the local R2/KV/D1 simulators).
// Anonymous memory (RssAnon) is the heap and buffers a leak or a buffered body would grow;
// RSS adds file-backed pages (the workerd binary, mapped blobs) that the kernel may drop.

export type WorkerdMemory = {
  /** Total RSS of those processes, in bytes. */
  rss: number;
  /** Total RssAnon, in bytes. */
  anon: number;
  /** Each process: shows which workerd grew. */
  processes: WorkerdProcess[];
};

export type WorkerdProcess = {
  pid: number;
  /**
   * `proxy`: the workerd holding the listening port (wrangler's proxy worker, none of the
   * gallery's code); `runtime`: the one running the worker and the local R2/KV/D1 simulators.
   */
  role: 'proxy' | 'runtime';
  rss: number;
  anon: number;
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
  const memory: WorkerdMemory = { rss: 0, anon: 0, processes: [] };
  for (const [pid, name] of names) {
    if (name !== 'workerd' || !below(pid)) continue;
    try {
      const status = readFileSync(`/proc/${pid}/status`, 'utf8');
      const rss = statusField(status, 'VmRSS');
      const anon = statusField(status, 'RssAnon');
      memory.rss += rss;
      memory.anon += anon;
      memory.processes.push({ pid, role: roleOf(pid, port), rss, anon });
    } catch {}
  }
  memory.processes.sort((a, b) => a.role.localeCompare(b.role));
  return memory;
}

const roles = new Map<string, WorkerdProcess['role']>();

/** Whether `pid` holds the socket listening on `port` (looked up once per process). */
function roleOf(pid: number, port: number): WorkerdProcess['role'] {
  const known = roles.get(`${pid}:${port}`);
  if (known !== undefined) return known;
  const listening = new Set<string>();
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    try {
      for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
        const fields = line.trim().split(/\s+/);
        // local_address is ADDR:PORT in hex; state 0A is LISTEN; field 9 is the inode.
        if (fields[1]?.endsWith(`:${hexPort}`) && fields[3] === '0A') listening.add(fields[9]!);
      }
    } catch {}
  }
  let role: WorkerdProcess['role'] = 'runtime';
  try {
    for (const fd of readdirSync(`/proc/${pid}/fd`)) {
      const target = readlinkSync(`/proc/${pid}/fd/${fd}`);
      if (listening.has(/^socket:\[(\d+)\]$/.exec(target)?.[1] ?? '')) role = 'proxy';
    }
  } catch {}
  roles.set(`${pid}:${port}`, role);
  return role;
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
