// The JavaScript heap of the worker's own isolate, through the inspector port `wrangler dev`
// opens for it (the stack passes --inspector-port): what is still alive after a full GC.
// workerd's process memory also holds the local R2/KV/D1 simulators (isolates of their
// own), wrangler's proxy and workerd's native buffers; this is the worker's code alone, so a
// leak of ours would show here as a live heap that keeps growing with the requests.
//
// workerd runs the collection V8's inspector asks for as a task of the isolate, and an idle
// isolate runs no tasks: HeapProfiler.collectGarbage is answered (and the garbage collected)
// only once a request comes in. So while it waits, the worker is sent a request a second
// (answered 404 or so; what matters is that it enters the isolate). Without that, a reading
// taken while no load ran — every run's start — never came (seen: 30 s timeouts twice).

export type IsolateHeap = { used: number; total: number };

/**
 * Collects garbage in the worker's isolate, then reads its heap; undefined (and a line on
 * the console) if the inspector did not answer twice.
 */
export async function isolateHeap(
  inspectorPort: number,
  workerUrl: string,
): Promise<IsolateHeap | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readHeap(inspectorPort, workerUrl);
    } catch (error) {
      if (attempt === 2) {
        console.log(`isolate heap on :${inspectorPort}: ${(error as Error).message ?? error}`);
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

/** A request into the worker's isolate, so that it runs the tasks the inspector queued. */
async function poke(workerUrl: string): Promise<void> {
  try {
    const response = await fetch(`${workerUrl}/__bench/isolate-heap`, {
      signal: AbortSignal.timeout(5000),
    });
    await response.body?.cancel();
  } catch {}
}

async function readHeap(
  inspectorPort: number,
  workerUrl: string,
): Promise<IsolateHeap | undefined> {
  // wrangler's inspector proxy refuses a DevTools connection without a local Origin; Node's
  // WebSocket (undici) takes headers as an extension of the standard init.
  const init = { headers: { Origin: 'http://localhost' } } as unknown as string[];
  let socket: WebSocket | undefined;
  try {
    socket = new WebSocket(`ws://127.0.0.1:${inspectorPort}/ws`, init);
    const open = socket;
    await new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('inspector: no answer')), 10_000);
      open.onopen = () => {
        clearTimeout(timer);
        resolve(undefined);
      };
      open.onerror = () => reject(new Error('inspector: the connection failed'));
    });
    // Ids of this connection's own: wrangler's proxy may still hold the answer to an earlier
    // connection's call (one that timed out) and hand it to this one.
    let id = Math.floor(Math.random() * 1e6) * 1000;
    const call = (method: string) =>
      new Promise<Record<string, number>>((resolve, reject) => {
        const mine = ++id;
        const timer = setTimeout(() => reject(new Error(`inspector: ${method}`)), 30_000);
        open.addEventListener('message', function answered(event) {
          const message = JSON.parse(String(event.data)) as { id?: number; result?: object };
          if (message.id !== mine) return;
          clearTimeout(timer);
          open.removeEventListener('message', answered);
          resolve((message.result ?? {}) as Record<string, number>);
        });
        open.send(JSON.stringify({ id: mine, method }));
      });
    const collected = call('HeapProfiler.collectGarbage');
    void poke(workerUrl);
    const poking = setInterval(() => void poke(workerUrl), 1000);
    try {
      await collected;
    } finally {
      clearInterval(poking);
    }
    const { usedSize, totalSize } = await call('Runtime.getHeapUsage');
    if (usedSize === undefined) throw new Error('inspector: no heap usage');
    return { used: usedSize, total: totalSize ?? 0 };
  } finally {
    socket?.close();
  }
}
