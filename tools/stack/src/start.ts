#!/usr/bin/env node
// `npm start` → `pnpm run stack` → here: the whole gallery on localhost.
//
//   1. .dev.vars beside each wrangler config, generated from .dev.vars.example (first start)
//   2. the local state under .state: migrations + demo media (first start, or when they change),
//      then the camera demo made and imported with `gallery import` (first start)
//   3. viewer :8787, video worker :8788, dev S3 :8789, SPA :5173, each its package's `dev`
//      (STACK_SPA=preview: the SPA's `preview`, i.e. its production build in dist/, which
//      the browser benches measure because it is what guests get)
//   4. waits until all four answer, prints the URL and the password
//   5. Ctrl-C / SIGTERM / SIGHUP (or the parent going away) stops every process group;
//      and if this process dies without a stop, they end with it (spawnTied)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { prepareCameraDemo } from './camera-demo.ts';
import { ensureDevVars } from './dev-vars.ts';
import { devVarsDirs, repoRoot, type Service, services, urls } from './layout.ts';
import { answers, portInUse, type Running, startService, stopAll } from './processes.ts';
import { prepareLocalState } from './seed.ts';

const READY_TIMEOUT_MS = 240_000;
// For the Miniflare instances of seeding too: never fetch Request.cf from the internet.
process.env.CLOUDFLARE_CF_FETCH_ENABLED ??= 'false';
const colour = process.stdout.isTTY === true && process.env.NO_COLOR === undefined;
// A closed stdout (`npm start | head`, a vanished terminal) must not crash the shutdown.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
const say = (line: string) =>
  process.stdout.write(`${colour ? '\x1b[1mstack\x1b[0m  │ ' : 'stack  │ '}${line}\n`);

const running: Running[] = [];
let stopping: Promise<never> | undefined;

function stop(code: number, why?: string): Promise<never> {
  stopping ??= (async () => {
    if (why !== undefined) say(why);
    if (running.length > 0) say('stopping…');
    await stopAll(running);
    if (running.length > 0) say('stopped.');
    process.exit(code);
  })();
  return stopping;
}

// A requested stop is a clean exit (0): Ctrl-C is how the stack is meant to end, and
// pnpm would report any other code as a failed command.
for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
  process.on(signal, () => void stop(0, `${signal} received`));
}
// When the command that started us goes away without passing a signal on (`kill` of
// `npm start`: npm forwards SIGTERM to its `sh -c`, which dies without forwarding it,
// and npx, pnpm and the node wrappers between here and there forward nothing either),
// stop rather than leave the stack running unowned. Watched: the launch chain, i.e.
// the ancestors up to the first one that is not npm, npx, pnpm, node or sh. A user's
// shell (bash, zsh) or a CI runner above that is not watched, so `npm start &` keeps
// running after the shell that started it moves on.
const chain = launchChain();
setInterval(() => {
  const gone = chain.find((ancestor) => !alive(ancestor));
  if (gone !== undefined) void stop(1, `launching process ${gone.pid} (${gone.name}) gone`);
}, 500).unref();

type Ancestor = { pid: number; name: string; startTime: string };

function launchChain(): Ancestor[] {
  const chain: Ancestor[] = [];
  let pid = process.ppid;
  while (pid > 1) {
    const ancestor = readProcess(pid);
    if (ancestor === undefined) break;
    chain.push(ancestor.self);
    if (!/^(sh|dash|node|npm.*|npx|pnpm.*)$/.test(ancestor.self.name)) break;
    pid = ancestor.parent;
  }
  // Without /proc (macOS), the parent at least: re-parenting means it is gone.
  return chain.length > 0 ? chain : [{ pid: process.ppid, name: 'parent', startTime: '' }];
}

function readProcess(pid: number): { self: Ancestor; parent: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // pid (comm) state ppid … starttime (field 22): comm may hold spaces and parentheses.
    const name = stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return { self: { pid, name, startTime: fields[19] ?? '' }, parent: Number(fields[1]) };
  } catch {
    return undefined;
  }
}

function alive(ancestor: Ancestor): boolean {
  if (ancestor.startTime === '') return process.ppid === ancestor.pid;
  // The same pid with another start time is a new process that reused the number.
  return readProcess(ancestor.pid)?.self.startTime === ancestor.startTime;
}

async function main(): Promise<void> {
  const all: Service[] = [services.viewer, services.video, services.devS3, services.spa];
  const busy: string[] = [];
  for (const service of all) {
    for (const port of [service.port, ...(service.otherPorts ?? [])]) {
      if (await portInUse(port)) busy.push(`${port} (${service.name})`);
    }
  }
  if (busy.length > 0) {
    say(`port ${busy.join(', ')} already in use.`);
    say('Is the stack already running? It prints its URL when ready; stop it with Ctrl-C.');
    process.exit(1);
  }

  const devVars = ensureDevVars(devVarsDirs.map((dir) => join(repoRoot, dir)));
  for (const { file, added } of devVars.changed) {
    say(`wrote ${file.slice(repoRoot.length + 1)} (${added.join(', ')})`);
  }
  for (const name of devVars.conflicts) {
    say(`warning: the .dev.vars files disagree on ${name}; the workers will not work together.`);
  }

  say('checking local state (.state)…');
  const prepared = await prepareLocalState();
  if (prepared.migrated) say('applied the viewer D1 migrations');
  if (prepared.seeded !== undefined) {
    const { rows, objects, configPublished } = prepared.seeded;
    say(
      `seeded ${rows} media rows and ${objects} R2 objects${configPublished ? ', published video config v1' : ''}`,
    );
  }

  const camera = await prepareCameraDemo({ write: (line) => say(`  ${line}`) });
  if (camera === 'imported') say('imported the camera demo');
  if (camera === 'failed')
    say('warning: the camera demo was not imported (see above); starting anyway');

  // The workers start one after another: workerd opens the shared SQLite files of .state
  // when it starts, and two starting at the same moment can fail with SQLITE_BUSY
  // ("database is locked"). Vite shares nothing and starts at once.
  const deadline = Date.now() + READY_TIMEOUT_MS;
  const launch = (service: Service, scriptName = 'dev') => {
    const started = startService(service, {
      write: (line) => process.stdout.write(`${line}\n`),
      colour,
      scriptName,
    });
    running.push(started);
    void started.exited.then((status) => {
      if (stopping === undefined) {
        const tail = started.tail.slice(-15).join('\n');
        void stop(1, `${service.name} exited (${status}) — last output:\n${tail}`);
      }
    });
  };
  const ready = async (service: Service) => {
    while (!(await answers(`http://localhost:${service.port}/`))) {
      if (Date.now() > deadline) {
        await stop(1, `${service.name} not answering after ${READY_TIMEOUT_MS / 1000} s`);
      }
      await delay(300);
    }
  };
  launch(services.spa, process.env.STACK_SPA === 'preview' ? 'preview' : 'dev');
  for (const service of [services.viewer, services.video, services.devS3]) {
    launch(service);
    await ready(service);
  }
  await ready(services.spa);

  const password = devVars.values.get('GALLERY_PASSWORD') ?? '(see workers/viewer/.dev.vars)';
  const ownerPassword = devVars.values.get('OWNER_PASSWORD') ?? '(see workers/viewer/.dev.vars)';
  const rule = '─'.repeat(60);
  say(rule);
  say(`edge-gallery is running: open ${urls.spa}`);
  say(`password: ${password}  ·  owner (review, hide, rename, delete): ${ownerPassword}`);
  say(`viewer ${urls.viewer} · video ${urls.video} · dev S3 ${urls.devS3}`);
  say('Ctrl-C stops everything; `pnpm stack:reset` wipes the local state.');
  say(rule);
}

main().catch((error: unknown) => {
  void stop(1, `failed: ${error instanceof Error ? error.message : String(error)}`);
});
