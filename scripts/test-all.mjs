#!/usr/bin/env node
// The whole test suite: every package's typecheck, lint, tests and bundle budget
// through turbo, then one plain summary line that CI reads: `N passed, M failed`.
//
// Vitest writes a JSON report per package (.reports/vitest.json; turbo restores
// it on a cache hit, so cached runs still count their tests). Checks that are not
// test files (typecheck, lint, bundle budget) count as one test each.
//
// Then the end-to-end run (tools/e2e: the local stack driven from outside, ffmpeg
// playback, the SPA's browser test), counted in the same line. What it could not run
// (no ffmpeg, no chromium) is listed plainly above the summary line. A `--filter` run
// checks packages only and skips it.
import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const runsDir = join(root, '.turbo', 'runs');
const workspaces = ['packages', 'workers', 'pages', 'tools'].flatMap((group) =>
  existsSync(join(root, group))
    ? readdirSync(join(root, group)).map((name) => join(root, group, name))
    : [],
);

for (const dir of workspaces) rmSync(join(dir, '.reports'), { recursive: true, force: true });
rmSync(runsDir, { recursive: true, force: true });

const turbo = spawnSync(
  'turbo',
  [
    'run',
    'typecheck',
    'lint',
    'test',
    'bundle',
    '--continue',
    '--summarize',
    // Each workerd test run starts its own runtime; more than three at once on a 2-core
    // machine only trades throughput for timeouts.
    '--concurrency=3',
    ...process.argv.slice(2),
  ],
  { cwd: root, stdio: 'inherit' },
);

let passed = 0;
let failed = 0;
let skipped = 0;
const failures = [];

const summaryFile = existsSync(runsDir) && readdirSync(runsDir).find((f) => f.endsWith('.json'));
const tasks = summaryFile ? JSON.parse(readFileSync(join(runsDir, summaryFile), 'utf8')).tasks : [];

for (const task of tasks) {
  const exitCode = task.execution?.exitCode ?? 1;
  const dir = join(root, task.directory);
  const report = join(dir, '.reports', 'vitest.json');
  if (task.task === 'test' && existsSync(report)) {
    const result = JSON.parse(readFileSync(report, 'utf8'));
    passed += result.numPassedTests;
    failed += result.numFailedTests;
    skipped += result.numPendingTests + result.numTodoTests;
    // A suite that fails to load has no failed tests, but a failed run.
    if (result.numFailedTests === 0 && (exitCode !== 0 || result.numFailedTestSuites > 0)) {
      failed += 1;
      failures.push(task.taskId);
    } else if (result.numFailedTests > 0) failures.push(task.taskId);
  } else if (exitCode === 0) {
    passed += 1;
  } else {
    failed += 1;
    failures.push(task.taskId);
  }
}

if (!summaryFile) {
  failed += 1;
  failures.push('turbo (no run summary)');
}
if (turbo.status !== 0 && failures.length === 0) {
  failed += 1;
  failures.push(`turbo exited ${turbo.status}`);
}

const notRun = [];
const turboArgs = process.argv.slice(2);
if (turboArgs.some((arg) => arg.startsWith('--filter'))) {
  notRun.push('end-to-end tests: a --filter run checks packages only');
} else {
  const e2eSummary = join(root, 'tools', 'e2e', '.reports', 'e2e-summary.json');
  rmSync(e2eSummary, { force: true });
  console.log('\nend-to-end tests (tools/e2e)');
  const e2e = spawnSync(process.execPath, [join(root, 'tools', 'e2e', 'src', 'run.ts')], {
    cwd: root,
    stdio: 'inherit',
  });
  if (existsSync(e2eSummary)) {
    const result = JSON.parse(readFileSync(e2eSummary, 'utf8'));
    passed += result.passed;
    failed += result.failed;
    skipped += result.skipped;
    for (const suite of result.suites) if (suite.failed > 0) failures.push(`e2e ${suite.name}`);
    notRun.push(...result.notRun);
  } else {
    failed += 1;
    failures.push(`e2e (exited ${e2e.status ?? e2e.signal} without a summary)`);
  }
}

console.log('');
for (const what of notRun) console.log(`not run: ${what}`);
if (failures.length > 0) console.log(`failed: ${failures.join(', ')}`);
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 ? 1 : 0);
