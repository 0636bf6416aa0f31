// The JavaScript heap of the worker's own isolate, through the inspector port `wrangler dev`
// opens for it (the stack passes --inspector-port): what is still alive after a full GC.
// workerd's process memory also holds the local R2/KV/D1 simulators (isolates of their
// own), wrangler's proxy and workerd's native buffers; this is the worker's code alone, so a
// leak of ours would show here as a live heap that keeps growing with the requests.

export type IsolateHeap = { used: number; total: number };

/**
 * Collects garbage in the worker's isolate, then reads its heap; undefined (and a line on
 * the console) if the inspector did not answer twice.
 */
export async function isolateHeap(inspectorPort: number): Promise<IsolateHeap | undefined> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await readHeap(inspectorPort);
    } catch (error) {
      if (attempt === 2) {
        console.log(`isolate heap on :${inspectorPort}: ${(error as Error).message ?? error}`);
        return undefined;
      }
      await new Promise((resolve) => setTimeout(resolve, 3000));
    }
  }
}

async function readHeap(inspectorPort: number): Promise<IsolateHeap | undefined> {
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
    let id = 0;
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
    await call('HeapProfiler.collectGarbage');
    const { usedSize, totalSize } = await call('Runtime.getHeapUsage');
    if (usedSize === undefined) throw new Error('inspector: no heap usage');
    return { used: usedSize, total: totalSize ?? 0 };
  } finally {
    socket?.close();
  }
}
