// `node end-with-parent.ts <command> [args…]`, what spawnTied (processes.ts) starts: runs the
// command in this process's group (spawnTied makes it a group of its own) and ends the whole
// group when the process that started this one goes, however it goes — exits, is signalled,
// is SIGKILLed, crashes. It learns so from its stdin: a pipe from that process, which the
// kernel closes when it dies and which it never closes itself while it lives. Wrangler's
// workerd and esbuild, and vite's esbuild, would otherwise run on unowned, holding the ports.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { constants } from 'node:os';

/** As long as a stop gives the group (stopAll, serveWrangler) before SIGKILL. */
const GRACE_MS = 8000;

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('usage: node end-with-parent.ts <command> [args…]');
  process.exit(2);
}

// It signals its whole group: only ever as the leader of a group of its own (spawnTied's
// `detached`), never in its starter's group (where /proc tells; macOS has none).
if (leadsItsGroup() === false) {
  console.error('end-with-parent: not the leader of a process group of its own (detached)');
  process.exit(2);
}

// The command's stdin: a pipe never written to nor closed while this runs (vite without a
// terminal exits when its stdin ends, which then happens when this process ends).
const child = spawn(command, args, { stdio: ['pipe', 'inherit', 'inherit'] });
let orphaned = false;

child.on('error', (error) => {
  console.error(`end-with-parent: ${command}: ${error.message}`);
  process.exit(127);
});
child.on('exit', (code, signal) => {
  // Orphaned: sweep what the command left (a workerd a moment behind wrangler), this too.
  if (orphaned) process.kill(-process.pid, 'SIGKILL');
  // Otherwise end as the command ended, so the parent reads its status.
  if (signal !== null) {
    process.kill(process.pid, signal);
    // Still here: a signal whose default is not to end (e.g. SIGUSR1, Node's inspector).
    process.exit(128 + (constants.signals[signal] ?? 0));
  }
  process.exit(code ?? 1);
});

const parentGone = () => {
  if (orphaned) return;
  orphaned = true;
  // SIGTERM to the group as a stop would send it, staying alive to finish the job.
  process.on('SIGTERM', () => {});
  process.kill(-process.pid, 'SIGTERM');
  setTimeout(() => process.kill(-process.pid, 'SIGKILL'), GRACE_MS);
};
process.stdin.on('end', parentGone);
process.stdin.on('close', parentGone);
process.stdin.on('error', parentGone);
process.stdin.resume();

function leadsItsGroup(): boolean | undefined {
  try {
    const stat = readFileSync('/proc/self/stat', 'utf8');
    // pid (comm) state ppid pgrp …: comm may hold spaces and parentheses.
    const pgrp = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
    return pgrp === process.pid;
  } catch {
    return undefined;
  }
}
