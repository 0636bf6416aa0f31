#!/usr/bin/env node
// The end-to-end run: `pnpm --filter @edge-gallery/e2e e2e`, and the last step of
// `npm test` (scripts/test-all.mjs reads the summary this writes).
//
//   1. reuses the stack if all four ports answer, else starts it (tools/stack) and stops
//      it at the end; its output goes to .reports/stack.log
//   2. the HTTP + ffmpeg suites (src/*.e2e.ts, vitest)
//   3. the SPA's browser test (pages/gallery `e2e`) once per delivery strategy, switched
//      through the video worker's admin API; the live config is restored afterwards
//   4. .reports/e2e-summary.json: passed / failed / skipped, and what was not run and why
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { delimiter, join } from 'node:path';
import { findExecutable, repoRoot, stackVars, urls } from '@edge-gallery/stack';
import type { VersionId } from '@edge-gallery/video-streaming/config/versions';
import { hasFfmpeg } from './ffmpeg.ts';
import { ensureStack, type Stack } from './stack-process.ts';

const here = join(import.meta.dirname, '..');
const reports = join(here, '.reports');
const STRATEGIES = ['presign', 'token', 'public'] as const;

type Counts = { name: string; passed: number; failed: number; skipped: number };

rmSync(reports, { recursive: true, force: true });
mkdirSync(reports, { recursive: true });

const notRun: string[] = [];
const ffmpeg = hasFfmpeg();
if (!ffmpeg)
  notRun.push('ffmpeg playback checks: ffmpeg is not installed (apt-get install -y ffmpeg)');
// CHROMIUM_PATH, when set, is the only candidate (as in the browser test itself).
const chromium = findExecutable(process.env.CHROMIUM_PATH ?? ['chromium', 'chromium-browser']);
if (chromium === undefined) {
  notRun.push('the SPA browser test: chromium is not installed (apt-get install -y chromium)');
}

/** Runs a package's vitest with a JSON report and reads the counts from it. */
// Async, not spawnSync: a blocked event loop would leave the fetch pool holding sockets
// the workers closed meanwhile, and the next admin call would fail on one.
async function runVitest(
  name: string,
  dir: string,
  command: string,
  env: Record<string, string>,
): Promise<Counts> {
  const report = join(reports, `${name}.json`);
  const args = `--reporter=default --reporter=json --outputFile.json=${report}`;
  const bins = [join(dir, 'node_modules', '.bin'), join(repoRoot, 'node_modules', '.bin')];
  console.log(`\ne2e: ${name}`);
  const child = spawn('sh', ['-c', `${command} ${args}`], {
    cwd: dir,
    stdio: 'inherit',
    env: { ...process.env, ...env, PATH: [...bins, process.env.PATH ?? ''].join(delimiter) },
  });
  const status = await new Promise<number | null>((resolve) => {
    child.on('exit', (code) => resolve(code));
    child.on('error', () => resolve(null));
  });
  if (!existsSync(report)) return { name, passed: 0, failed: 1, skipped: 0 };
  const json = JSON.parse(readFileSync(report, 'utf8')) as {
    numPassedTests: number;
    numFailedTests: number;
    numPendingTests: number;
    numTodoTests: number;
    numFailedTestSuites: number;
  };
  // A suite that fails to load has no failed test, but a failed run.
  const broken =
    json.numFailedTests === 0 && (status !== 0 || json.numFailedTestSuites > 0) ? 1 : 0;
  return {
    name,
    passed: json.numPassedTests,
    failed: json.numFailedTests + broken,
    skipped: json.numPendingTests + json.numTodoTests,
  };
}

async function adminCall(path: string, init: RequestInit = {}): Promise<Response> {
  const token = stackVars('video').get('ADMIN_TOKEN') ?? '';
  return fetch(`${urls.video}${path}`, {
    ...init,
    headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' },
  });
}

async function main(): Promise<number> {
  const counts: Counts[] = [];
  let stack: Stack | undefined;
  try {
    // Armed, the workers' local fault switch stays off until faults.e2e.ts turns it on.
    stack = await ensureStack({
      logFile: join(reports, 'stack.log'),
      env: { STACK_FAULT_SWITCH: 'on' },
    });
    const initial = (await (await adminCall('/admin/config')).json()) as {
      version: VersionId | null;
      config: Record<string, unknown>;
    };
    counts.push(
      await runVitest('http-ffmpeg', here, 'vitest run --config vitest.e2e.config.mts', {}),
    );

    if (chromium !== undefined) {
      const password = stackVars('viewer').get('GALLERY_PASSWORD') ?? '';
      for (const strategy of STRATEGIES) {
        const rollout = { presign: 0, token: 0, public: 0, [strategy]: 100 };
        const published = await adminCall('/admin/config', {
          method: 'PUT',
          body: JSON.stringify({ ...initial.config, rollout }),
        });
        if (published.status !== 201)
          throw new Error(`switching to ${strategy}: ${published.status}`);
        counts.push(
          await runVitest(
            `browser-${strategy}`,
            join(repoRoot, 'pages/gallery'),
            'vitest run --config e2e/vitest.config.ts',
            {
              GALLERY_URL: urls.spa,
              GALLERY_PASSWORD: password,
              E2E_STRATEGY: strategy,
              CHROMIUM_PATH: chromium,
            },
          ),
        );
      }
      if (initial.version !== null) {
        await adminCall('/admin/config/rollback', {
          method: 'POST',
          body: JSON.stringify({ version: initial.version }),
        });
      }
    }
  } catch (error) {
    console.error(`e2e: ${error instanceof Error ? error.message : String(error)}`);
    counts.push({ name: 'stack', passed: 0, failed: 1, skipped: 0 });
  } finally {
    await stack?.stop();
  }

  const total = counts.reduce(
    (sum, c) => ({
      passed: sum.passed + c.passed,
      failed: sum.failed + c.failed,
      skipped: sum.skipped + c.skipped,
    }),
    { passed: 0, failed: 0, skipped: 0 },
  );
  writeFileSync(
    join(reports, 'e2e-summary.json'),
    `${JSON.stringify({ ...total, suites: counts, notRun }, null, 2)}\n`,
  );
  console.log('');
  for (const c of counts)
    console.log(`e2e ${c.name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
  for (const reason of notRun) console.log(`e2e not run: ${reason}`);
  return total.failed > 0 ? 1 : 0;
}

process.exitCode = await main();
