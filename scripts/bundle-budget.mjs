#!/usr/bin/env node
// Bundle budget: gzip every JavaScript file of a `wrangler deploy --dry-run --outdir`
// (or a Vite build) and fail above the budget. Usage: bundle-budget.mjs <dir> <KiB>
// Writes .reports/bundle.json so the test summary counts the check.
import { mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { gzipSync } from 'node:zlib';

const [dir, budgetKiB] = process.argv.slice(2);
if (!dir || !budgetKiB) {
  console.error('usage: bundle-budget.mjs <dir> <KiB>');
  process.exit(2);
}

function* files(path) {
  for (const name of readdirSync(path)) {
    const full = join(path, name);
    if (statSync(full).isDirectory()) yield* files(full);
    else if (/\.m?js$/.test(name)) yield full;
  }
}

let raw = 0;
let gzip = 0;
for (const file of files(dir)) {
  const bytes = readFileSync(file);
  raw += bytes.length;
  gzip += gzipSync(bytes, { level: 9 }).length;
  console.log(`  ${relative(dir, file)}: ${(bytes.length / 1024).toFixed(1)} KiB`);
}
const ok = gzip <= Number(budgetKiB) * 1024;
console.log(
  `bundle: ${(raw / 1024).toFixed(1)} KiB, ${(gzip / 1024).toFixed(1)} KiB gzip, budget ${budgetKiB} KiB gzip: ${ok ? 'ok' : 'OVER BUDGET'}`,
);
mkdirSync('.reports', { recursive: true });
writeFileSync(
  '.reports/bundle.json',
  JSON.stringify({ gzipBytes: gzip, rawBytes: raw, budgetBytes: Number(budgetKiB) * 1024, ok }),
);
process.exit(ok ? 0 : 1);
