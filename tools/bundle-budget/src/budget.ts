import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';

// The bundle budget of every package that ships JavaScript, measured one way: each
// JavaScript file gzipped at level 9, summed, and checked against a budget in KiB; the
// result printed as a table and written to .reports/bundle.json, which the test summary
// (scripts/test-all.mjs) counts. The workers run it over `wrangler deploy --dry-run
// --outdir` (cli.ts); the SPA from its Vite build (vite-plugin.ts), where chunks made only
// of a lazily loaded package (hls.js) are listed but not counted.

export type ChunkSize = {
  fileName: string;
  rawBytes: number;
  gzipBytes: number;
  /** The excluded package this chunk consists of, if any: listed, not counted. */
  excludedAs: string | undefined;
};

export type BudgetReport = {
  gzipBytes: number;
  rawBytes: number;
  budgetBytes: number;
  ok: boolean;
  chunks: ChunkSize[];
};

/** The size of one JavaScript file, raw and gzipped at level 9. */
export function chunkSize(
  fileName: string,
  code: string | Uint8Array,
  excludedAs?: string,
): ChunkSize {
  const bytes = typeof code === 'string' ? Buffer.from(code) : code;
  return {
    fileName,
    rawBytes: bytes.length,
    gzipBytes: gzipSync(bytes, { level: 9 }).length,
    excludedAs,
  };
}

/**
 * The package a chunk consists of: every real module (the bundler's own `\0` helper
 * modules aside) lives in that package. A chunk that mixes in page code counts.
 */
export function excludedPackageOf(
  moduleIds: readonly string[],
  excluded: readonly string[],
): string | undefined {
  const real = moduleIds.filter((id) => !id.startsWith('\0'));
  if (real.length === 0) return undefined;
  return excluded.find((name) =>
    real.every((id) => id.replaceAll('\\', '/').includes(`/node_modules/${name}/`)),
  );
}

export function budgetReport(chunks: ChunkSize[], budgetKiB: number): BudgetReport {
  const counted = chunks.filter((chunk) => chunk.excludedAs === undefined);
  const gzipBytes = counted.reduce((sum, chunk) => sum + chunk.gzipBytes, 0);
  const rawBytes = counted.reduce((sum, chunk) => sum + chunk.rawBytes, 0);
  const budgetBytes = budgetKiB * 1024;
  return { gzipBytes, rawBytes, budgetBytes, ok: gzipBytes <= budgetBytes, chunks };
}

const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

export function formatReport(report: BudgetReport): string {
  const width = Math.max(...report.chunks.map((chunk) => chunk.fileName.length), 10);
  const excluded = [...new Set(report.chunks.flatMap((chunk) => chunk.excludedAs ?? []))];
  const lines = report.chunks.map(
    (chunk) =>
      `  ${chunk.fileName.padEnd(width)}  ${kib(chunk.rawBytes).padStart(10)}  ${kib(chunk.gzipBytes).padStart(10)} gzip  ${
        chunk.excludedAs ? `not counted (${chunk.excludedAs}, loaded lazily)` : 'counted'
      }`,
  );
  return [
    'bundle budget (JavaScript, gzip -9):',
    ...lines,
    `bundle: ${kib(report.rawBytes)}, ${kib(report.gzipBytes)} gzip${
      excluded.length > 0 ? ` without ${excluded.join(', ')}` : ''
    }, budget ${kib(report.budgetBytes)} gzip: ${report.ok ? 'ok' : 'OVER BUDGET'}`,
  ].join('\n');
}

/** Prints the report and writes `<packageDir>/.reports/bundle.json`; returns the report. */
export function checkBudget(
  chunks: ChunkSize[],
  options: { budgetKiB: number; packageDir: string },
): BudgetReport {
  const sorted = [...chunks].sort((a, b) => a.fileName.localeCompare(b.fileName));
  const report = budgetReport(sorted, options.budgetKiB);
  console.log(formatReport(report));
  mkdirSync(join(options.packageDir, '.reports'), { recursive: true });
  writeFileSync(join(options.packageDir, '.reports', 'bundle.json'), JSON.stringify(report));
  return report;
}
