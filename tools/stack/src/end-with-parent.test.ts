import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { setTimeout as delay } from 'node:timers/promises';
import { describe, expect, it } from 'vitest';
import { groupAlive, signalGroup, spawnTied } from './processes.ts';

// A bench or the stack (the parent, here a node process of its own) starts a server with
// spawnTied — here a command that would run for ten minutes — and then ends without
// stopping it, in each way it can end. The server's whole group must end with it.
const parentScript = (end: 'exit' | 'wait') => `
import { spawnTied } from ${JSON.stringify(join(import.meta.dirname, 'processes.ts'))};
const child = spawnTied('sh', ['-c', 'sleep 600 & sleep 600'], { cwd: process.cwd(), env: process.env });
console.log(child.pid);
${end === 'exit' ? 'process.exit(0);' : 'setInterval(() => {}, 60_000);'}
`;

async function firstLine(stream: Readable): Promise<string> {
  let text = '';
  for await (const chunk of stream) {
    text += chunk;
    if (text.includes('\n')) break;
  }
  return text.split('\n')[0]!;
}

async function tiedByAParent(end: 'exit' | 'wait') {
  const parent = spawn(process.execPath, ['--input-type=module', '-e', parentScript(end)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const group = Number(await firstLine(parent.stdout));
  expect(group).toBeGreaterThan(0);
  return { parent, group };
}

/** Resolves once no process of the group is left (the test's timeout bounds the wait). */
async function ended(group: number): Promise<void> {
  while (groupAlive(group)) await delay(50);
}

describe('a server started with spawnTied', () => {
  it.each(['SIGKILL', 'SIGTERM', 'SIGINT'] as const)(
    'ends, all of its group, when its parent dies by %s',
    async (signal) => {
      const { parent, group } = await tiedByAParent('wait');
      try {
        expect(groupAlive(group)).toBe(true);
        parent.kill(signal);
        await ended(group);
      } finally {
        signalGroup(group, 'SIGKILL');
      }
    },
  );

  it('ends when its parent exits without stopping it', async () => {
    const { group } = await tiedByAParent('exit');
    try {
      await ended(group);
    } finally {
      signalGroup(group, 'SIGKILL');
    }
  });

  it("passes its output on and ends with its command's status", async () => {
    const env = process.env;
    const printed = spawnTied('sh', ['-c', 'echo served; exit 3'], { cwd: '/', env });
    expect(await firstLine(printed.stdout)).toBe('served');
    expect(await once(printed, 'exit')).toEqual([3, null]);
    const killed = spawnTied('sh', ['-c', 'kill -TERM $$'], { cwd: '/', env });
    expect(await once(killed, 'exit')).toEqual([null, 'SIGTERM']);
  });

  it('is stopped as before: a signal to its group', async () => {
    const server = spawnTied('sleep', ['600'], { cwd: '/', env: process.env });
    const exit = once(server, 'exit');
    signalGroup(server.pid!, 'SIGTERM');
    expect(await exit).toEqual([null, 'SIGTERM']);
    await ended(server.pid!);
  });
});
