#!/usr/bin/env node
// bundle-budget <dir> <KiB>: the budget of every JavaScript file under <dir> (a
// `wrangler deploy --dry-run --outdir`), from the package's directory. Exits 1 over budget.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { type ChunkSize, checkBudget, chunkSize } from './budget.ts';

const [dir, budgetKiB] = process.argv.slice(2);
if (!dir || !budgetKiB || !(Number(budgetKiB) > 0)) {
  console.error('usage: bundle-budget <dir> <KiB>');
  process.exit(2);
}

function* files(path: string): Generator<string> {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (/\.m?js$/.test(name)) yield full;
  }
}

const chunks: ChunkSize[] = [...files(dir)].map((file) =>
  chunkSize(relative(dir, file), readFileSync(file)),
);
const report = checkBudget(chunks, { budgetKiB: Number(budgetKiB), packageDir: process.cwd() });
process.exit(report.ok ? 0 : 1);
