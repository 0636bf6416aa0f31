import type { Plugin } from 'vite';
import { type ChunkSize, checkBudget, chunkSize, excludedPackageOf } from './budget.ts';

/**
 * The budget, checked on every `vite build`: all JavaScript the page can load counts
 * (scripts emitted as assets too, such as a service worker), except chunks made only of
 * `excluded` packages, which load lazily.
 */
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
        if (file.type === 'asset' && file.fileName.endsWith('.js')) {
          chunks.push(chunkSize(file.fileName, file.source));
        }
        if (file.type !== 'chunk') continue;
        chunks.push(
          chunkSize(file.fileName, file.code, excludedPackageOf(file.moduleIds, options.excluded)),
        );
      }
      console.log('');
      const report = checkBudget(chunks, { budgetKiB: options.initialKiB, packageDir: root });
      if (!report.ok) {
        this.error(
          `initial JavaScript is ${(report.gzipBytes / 1024).toFixed(1)} KiB gzip, over the ${options.initialKiB} KiB budget`,
        );
      }
    },
  };
}
