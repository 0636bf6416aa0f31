import type { ImportEvents, Outcome } from './importer.ts';
import type { SkippedFile } from './scan.ts';

export type ProgressOutput = {
  /** A terminal: one status line redrawn in place. Otherwise one plain line per file. */
  tty: boolean;
  write(text: string): void;
  /** Terminal width, for the bar. */
  columns?: number;
  now?: () => number;
};

/**
 * The import's running report. On a terminal: a bar with files, bytes, throughput and
 * ETA, redrawn at most ten times a second, with failures printed above it as they
 * happen. Without one (CI, a pipe, a log file): a line per finished file, which also
 * tells a supervising process how far the import got.
 */
export function createProgress(total: { files: number; bytes: number }, output: ProgressOutput) {
  const now = output.now ?? Date.now;
  const started = now();
  let phase: 'hashing' | 'importing' = 'hashing';
  let hashedFiles = 0;
  let hashedBytes = 0;
  let plan = { toImport: 0, bytes: 0 };
  let importStarted = started;
  let doneFiles = 0;
  let doneBytes = 0;
  let failed = 0;
  let lastDraw = 0;
  let drawn = false;

  const clear = () => {
    if (drawn) output.write('\r\x1b[2K');
    drawn = false;
  };
  const draw = (force = false) => {
    if (!output.tty) return;
    const t = now();
    if (!force && t - lastDraw < 100) return;
    lastDraw = t;
    clear();
    output.write(statusLine());
    drawn = true;
  };
  const statusLine = () => {
    if (phase === 'hashing') {
      return `Hashing   ${bar(hashedBytes / (total.bytes || 1))} ${hashedFiles}/${total.files} files · ${formatBytes(hashedBytes)}/${formatBytes(total.bytes)}`;
    }
    const elapsed = (now() - importStarted) / 1000;
    const rate = elapsed > 0 ? doneBytes / elapsed : 0;
    const eta = rate > 0 ? formatDuration((plan.bytes - doneBytes) / rate) : '–';
    return (
      `Importing ${bar(doneBytes / (plan.bytes || 1))} ${doneFiles}/${plan.toImport} files · ` +
      `${formatBytes(doneBytes)}/${formatBytes(plan.bytes)} · ${formatBytes(rate)}/s · ETA ${eta}` +
      (failed ? ` · ${failed} failed` : '')
    );
  };
  const bar = (fraction: number) => {
    const width = Math.max(10, Math.min(30, (output.columns ?? 80) - 70));
    const filled = Math.round(Math.min(1, Math.max(0, fraction)) * width);
    return `[${'#'.repeat(filled)}${'.'.repeat(width - filled)}]`;
  };
  const line = (text: string) => {
    clear();
    output.write(`${text}\n`);
    draw(true);
  };

  if (!output.tty) {
    output.write(`Hashing ${total.files} files (${formatBytes(total.bytes)})\n`);
  }
  // While a long video transcodes nothing finishes: keep the rate and ETA moving.
  const ticker = output.tty ? setInterval(() => draw(), 1000) : undefined;
  ticker?.unref();

  const events: ImportEvents & { finish(): void } = {
    hashed(file) {
      hashedFiles++;
      hashedBytes += file.size;
      draw();
    },
    planned(next) {
      plan = next;
      phase = 'importing';
      importStarted = now();
      if (output.tty) draw(true);
      else output.write(`Importing ${next.toImport} files (${formatBytes(next.bytes)})\n`);
    },
    done(outcome: Outcome) {
      const counted = outcome.status !== 'exists' && outcome.status !== 'duplicate';
      if (phase === 'importing' && counted) {
        doneFiles++;
        doneBytes += outcome.file.size;
      }
      if (outcome.status === 'failed') {
        failed++;
        line(`failed     ${outcome.file.name}: ${outcome.reason}: ${outcome.detail}`);
      } else if (!output.tty) {
        const position = counted ? ` [${doneFiles}/${plan.toImport}]` : '';
        const label = outcome.status === 'would-import' ? 'would import' : outcome.status;
        const extra = outcome.status === 'duplicate' ? ` (same content as ${outcome.of})` : '';
        output.write(`${label.padEnd(10)} ${outcome.file.name}${extra}${position}\n`);
      } else {
        draw();
      }
    },
    finish() {
      clearInterval(ticker);
      clear();
    },
  };
  return events;
}

export type Summary = { text: string; failed: number };

/** What the owner reads at the end: counts, throughput, and every file left out and why. */
export function summarize(
  outcomes: readonly Outcome[],
  skipped: readonly SkippedFile[],
  elapsedMs: number,
  dryRun: boolean,
): Summary {
  const by = <S extends Outcome['status']>(status: S) =>
    outcomes.filter((o): o is Extract<Outcome, { status: S }> => o.status === status);
  const imported = by(dryRun ? 'would-import' : 'imported');
  const failed = by('failed');
  const bytes = imported.reduce((sum, o) => sum + o.file.size, 0);
  const seconds = Math.max(elapsedMs, 1) / 1000;
  const lines = [
    `${dryRun ? 'Would import' : 'Imported'} ${imported.length} files (${formatBytes(bytes)}) in ${formatDuration(seconds)}: ` +
      `${(imported.length / seconds).toFixed(1)} files/s, ${(bytes / 1e6 / seconds).toFixed(1)} MB/s`,
    `Already imported ${by('exists').length} · duplicates ${by('duplicate').length} · ` +
      `failed ${failed.length} · not media ${skipped.length}`,
  ];
  if (failed.length) {
    lines.push(`Not imported (${failed.length}):`);
    for (const o of failed) lines.push(`  ${o.file.name}: ${o.reason}: ${o.detail}`);
  }
  if (skipped.length) {
    lines.push(`Skipped, not photos or videos (${skipped.length}):`);
    for (const s of skipped) lines.push(`  ${s.name}: ${s.reason}`);
  }
  return { text: `${lines.join('\n')}\n`, failed: failed.length };
}

export function formatBytes(bytes: number): string {
  if (bytes >= 1e9) return `${(bytes / 1e9).toFixed(2)} GB`;
  if (bytes >= 1e6) return `${(bytes / 1e6).toFixed(1)} MB`;
  if (bytes >= 1e3) return `${(bytes / 1e3).toFixed(0)} kB`;
  return `${Math.round(bytes)} B`;
}

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const pad = (n: number) => String(n).padStart(2, '0');
  return h ? `${h}:${pad(m)}:${pad(s % 60)}` : `${m}:${pad(s % 60)}`;
}
