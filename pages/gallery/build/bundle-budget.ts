// The SPA's bundle budget, checked on every build: all JavaScript the page can
// load counts, except the chunks made only of the excluded packages (hls.js,
// which is imported dynamically when a video opens). Gzip level 9, like
// scripts/bundle-budget.mjs at the repo root, and the same .reports/bundle.json.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Plugin } from 'vite';

export type ChunkSize = {
  fileName: string;
  rawBytes: number;
  gzipBytes: number;
  /** The excluded package this chunk consists of, if any. */
  excludedAs: string | undefined;
};

export type BudgetReport = {
  gzipBytes: number;
  rawBytes: number;
  budgetBytes: number;
  ok: boolean;
  chunks: ChunkSize[];
};

/**
 * The package a chunk consists of: every real module (rolldown's own `\0` helper
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

export function formatReport(report: BudgetReport, budgetKiB: number): string {
  const kib = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;
  const width = Math.max(...report.chunks.map((chunk) => chunk.fileName.length), 10);
  const lines = report.chunks.map(
    (chunk) =>
      `  ${chunk.fileName.padEnd(width)}  ${kib(chunk.rawBytes).padStart(10)}  ${kib(chunk.gzipBytes).padStart(10)} gzip  ${
        chunk.excludedAs
          ? `not counted (${chunk.excludedAs}, loaded when a video opens)`
          : 'counted'
      }`,
  );
  return [
    'bundle budget (JavaScript, gzip -9):',
    ...lines,
    `bundle: ${kib(report.rawBytes)}, ${kib(report.gzipBytes)} gzip without hls.js, budget ${budgetKiB} KiB gzip: ${
      report.ok ? 'ok' : 'OVER BUDGET'
    }`,
  ].join('\n');
}

export function bundleBudget(options: { initialKiB: number; excluded: string[] }): Plugin {
  let root = process.cwd();
  return {
    name: 'edge-gallery:bundle-budget',
    apply: 'build',
    configResolved(config) {
      root = config.root;
    },
    generateBundle(_output, bundle) {
      const chunks: ChunkSize[] = [];
      for (const file of Object.values(bundle)) {
        // Scripts emitted as assets (the download service worker) count too.
        if (file.type === 'asset' && file.fileName.endsWith('.js')) {
          const code = Buffer.from(file.source);
          chunks.push({
            fileName: file.fileName,
            rawBytes: code.length,
            gzipBytes: gzipSync(code, { level: 9 }).length,
            excludedAs: undefined,
          });
        }
        if (file.type !== 'chunk') continue;
        chunks.push({
          fileName: file.fileName,
          rawBytes: Buffer.byteLength(file.code),
          gzipBytes: gzipSync(file.code, { level: 9 }).length,
          excludedAs: excludedPackageOf(file.moduleIds, options.excluded),
        });
      }
      chunks.sort((a, b) => a.fileName.localeCompare(b.fileName));
      const report = budgetReport(chunks, options.initialKiB);
      console.log(`\n${formatReport(report, options.initialKiB)}`);
      mkdirSync(join(root, '.reports'), { recursive: true });
      writeFileSync(join(root, '.reports', 'bundle.json'), JSON.stringify(report));
      if (!report.ok) {
        this.error(
          `initial JavaScript is ${(report.gzipBytes / 1024).toFixed(1)} KiB gzip, over the ${options.initialKiB} KiB budget`,
        );
      }
    },
  };
}
