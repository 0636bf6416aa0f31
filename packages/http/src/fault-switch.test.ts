import { env } from 'cloudflare:workers';
import { describe, expect, it } from 'vitest';
import { FAULT_SWITCH_PATH, withFaultSwitch } from './fault-switch.ts';

type TestEnv = { MEDIA: R2Bucket; LOCAL_FAULT_SWITCH?: string | undefined };

/** A worker that reads MEDIA and says what it got, recording the env it was given. */
function recordingWorker() {
  const seen: TestEnv[] = [];
  const worker = withFaultSwitch<TestEnv>(
    {
      async fetch(request, given) {
        seen.push(given);
        if (new URL(request.url).pathname !== '/read')
          return new Response('handler', { status: 404 });
        try {
          return new Response((await given.MEDIA.get('fault-switch/a.txt'))?.body ?? null);
        } catch (error) {
          return new Response(`threw: ${(error as Error).message}`, { status: 599 });
        }
      },
    },
    { MEDIA: 'R2' },
  );
  const call = async (testEnv: TestEnv, path: string, init?: RequestInit) =>
    worker.fetch(new Request(`http://localhost${path}`, init), testEnv, {} as ExecutionContext);
  return { seen, call };
}

const set = (mode: string): RequestInit => ({ method: 'PUT', body: JSON.stringify({ mode }) });

describe('the local fault switch', () => {
  it.each([undefined, '', 'off', 'true', '1', 'ON', ' on'])(
    'is out of the way unless LOCAL_FAULT_SWITCH is exactly "on" (%j)',
    async (value) => {
      await env.MEDIA.put('fault-switch/a.txt', 'hello');
      const { seen, call } = recordingWorker();
      const testEnv: TestEnv = { MEDIA: env.MEDIA, LOCAL_FAULT_SWITCH: value };
      // Its path is the worker's own (a 404 here), and asking it to fail changes nothing.
      const asked = await call(testEnv, FAULT_SWITCH_PATH, set('throw'));
      expect(await asked.text()).toBe('handler');
      const read = await call(testEnv, '/read');
      expect(await read.text()).toBe('hello');
      expect(seen).toEqual([testEnv, testEnv]);
      expect(seen[1]).toBe(testEnv);
    },
  );

  it('armed, makes the named bindings throw, then hang, then gives the real env back', async () => {
    await env.MEDIA.put('fault-switch/a.txt', 'hello');
    const { seen, call } = recordingWorker();
    const testEnv: TestEnv = { MEDIA: env.MEDIA, LOCAL_FAULT_SWITCH: 'on' };
    expect(await (await call(testEnv, FAULT_SWITCH_PATH)).json()).toEqual({
      mode: 'off',
      bindings: ['MEDIA'],
    });
    expect(await (await call(testEnv, '/read')).text()).toBe('hello');
    expect(seen.at(-1)).toBe(testEnv);

    await call(testEnv, FAULT_SWITCH_PATH, set('throw'));
    const thrown = await call(testEnv, '/read');
    expect(await thrown.text()).toBe(
      'threw: We encountered an internal error. Please try again. (10001)',
    );
    expect(seen.at(-1)?.LOCAL_FAULT_SWITCH).toBe('on');

    await call(testEnv, FAULT_SWITCH_PATH, set('hang'));
    // No timer: the real binding answers the same read while the switched one still waits.
    const hanging = await Promise.race([
      call(testEnv, '/read').then(() => 'the switched read answered'),
      env.MEDIA.get('fault-switch/a.txt').then(() => 'the real read answered first'),
    ]);
    expect(hanging).toBe('the real read answered first');

    await call(testEnv, FAULT_SWITCH_PATH, set('off'));
    expect(await (await call(testEnv, '/read')).text()).toBe('hello');
    expect(seen.at(-1)).toBe(testEnv);
  });

  it('refuses a mode it does not know', async () => {
    const { call } = recordingWorker();
    const response = await call(
      { MEDIA: env.MEDIA, LOCAL_FAULT_SWITCH: 'on' },
      FAULT_SWITCH_PATH,
      set('explode'),
    );
    expect(response.status).toBe(400);
  });
});
