#!/usr/bin/env node
// `pnpm gallery import <folder>`: see USAGE in args.ts and the package README;
// `pnpm gallery link`: see link.ts.
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { photoRenditions } from './add-renditions.ts';
import { videoStoryboards } from './add-storyboards.ts';
import {
  type ProcessCommand,
  parseCommandLine,
  type RenditionsCommand,
  type TargetOptions,
  USAGE,
} from './args.ts';
import { type BackfillOutcome, type BackfillRow, backfill } from './backfill.ts';
import { missingFfmpeg } from './ffmpeg.ts';
import { importFiles } from './importer.ts';
import { livePhotoFacts, pairLivePhotos } from './live-photo.ts';
import { guestVideoLadders } from './process-videos.ts';
import { createProgress, formatBytes, summarize } from './progress.ts';
import { message, scanFolder } from './scan.ts';
import type { Target } from './target.ts';

async function main(): Promise<number> {
  if (process.argv[2] === 'link') {
    const { runLink } = await import('./link.ts');
    return runLink(process.argv.slice(3), process.env.INIT_CWD ?? process.cwd());
  }
  const args = parseCommandLine(process.argv.slice(2), process.env.INIT_CWD ?? process.cwd());
  if (args.command === 'help') {
    console.log(USAGE);
    return 0;
  }
  if (args.command === 'error') {
    console.error(`gallery: ${args.message}\n\n${USAGE}`);
    return 2;
  }
  if (args.command === 'renditions') return renditions(args);
  if (args.command === 'process') return processCommand(args);

  const folder = await stat(args.folder).catch(() => undefined);
  if (!folder?.isDirectory()) {
    console.error(`gallery: ${args.folder} is not a folder`);
    return 2;
  }
  const started = Date.now();
  const scanned = await scanFolder(args.folder);
  const { skipped } = scanned;
  const videos = scanned.files.filter((f) => f.kind === 'video').length;
  const videoBlocker = videos ? missingFfmpeg() : undefined;
  if (videoBlocker) {
    console.error(`gallery: ${videos} videos will not be imported: ${videoBlocker}\n`);
  }
  // Live Photos (IMG_1234.HEIC + IMG_1234.MOV) become one item; telling needs ffprobe.
  const { files, pairs } = videoBlocker
    ? { files: scanned.files, pairs: 0 }
    : await pairLivePhotos(scanned.files, livePhotoFacts);
  if (pairs) console.log(`${pairs} Live Photos: each photo and its MOV become one item`);

  // Ctrl-C or a kill: rows are written last, so stopping anywhere leaves nothing listed
  // half-imported; the next run redoes the files that have no row.
  return onTarget(args, 'import', '', async (target, workDir) => {
    const bytes = files.reduce((sum, f) => sum + f.size, 0);
    console.log(
      `${args.dryRun ? 'Dry run: checking' : 'Importing'} ${files.length} files (${formatBytes(
        bytes,
      )}) from ${args.folder} into ${target.description}`,
    );
    const tty = Boolean(process.stderr.isTTY);
    const progress = createProgress(
      { files: files.length, bytes },
      {
        tty,
        write: (text) => (tty ? process.stderr : process.stdout).write(text),
        columns: process.stderr.columns,
      },
    );
    const outcomes = await importFiles(
      files,
      target,
      {
        dryRun: args.dryRun,
        concurrency: args.concurrency,
        workDir,
        videoBlocker,
        stripLocation: args.stripLocation,
      },
      progress,
    );
    progress.finish();
    const summary = summarize(outcomes, skipped, Date.now() - started, args.dryRun);
    process.stdout.write(summary.text);
    return summary.failed ? 1 : 0;
  });
}

/** `gallery renditions`: photo renditions and seek previews for rows imported before them. */
function renditions(args: RenditionsCommand): Promise<number> {
  const started = Date.now();
  return onTarget(args, 'renditions', '', async (target, workDir) => {
    console.log(`Adding missing photo renditions and seek previews in ${target.description}`);
    const options = { workDir, dryRun: args.dryRun };
    const photos = await backfill(
      target,
      photoRenditions,
      { ...options, concurrency: args.concurrency },
      printOutcome(''),
    );
    const failed = countFailed(photos);
    console.log(
      `${photos.length - failed} photos ${args.dryRun ? 'checked' : 'given a preview and an HD thumbnail'}, ${failed} failed` +
        (photos.length === 0 ? ' (every photo has them)' : ''),
    );
    // Videos imported before seek previews: a storyboard beside their HLS ladder.
    const storyboards = await backfill(
      target,
      videoStoryboards,
      { ...options, ...oneFfmpegAtATime() },
      printOutcome(' (seek previews)'),
    );
    const failedVideos = countFailed(storyboards);
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      `${storyboards.length - failedVideos} video${storyboards.length - failedVideos === 1 ? '' : 's'} ${args.dryRun ? 'checked' : 'given seek previews'}, ${failedVideos} failed` +
        (storyboards.length === 0 ? ' (every video has them)' : '') +
        `, in ${seconds} s`,
    );
    return failed || failedVideos ? 1 : 0;
  });
}

/** `gallery process`: approved guest videos get their HLS ladder; one line per video. */
function processCommand(args: ProcessCommand): Promise<number> {
  const started = Date.now();
  const interrupted = 'the video in progress still plays from its original; ';
  return onTarget(args, 'process', interrupted, async (target, workDir) => {
    console.log(
      `${args.dryRun ? 'Checking' : 'Processing'} approved guest videos in ${target.description}`,
    );
    const outcomes = await backfill(
      target,
      guestVideoLadders,
      { workDir, dryRun: args.dryRun, ...oneFfmpegAtATime() },
      (outcome) => {
        const what =
          outcome.status === 'failed'
            ? `failed    ${outcome.row.id} (${outcome.reason}: ${outcome.detail})`
            : outcome.status === 'added'
              ? `processed ${outcome.row.id}: ${outcome.added.renditions} renditions in ${outcome.seconds.toFixed(1)} s`
              : `would process ${outcome.row.id}`;
        console.log(`${what} [${outcome.row.original_key}]`);
      },
    );
    const failed = countFailed(outcomes);
    const ok = outcomes.length - failed;
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    console.log(
      outcomes.length === 0
        ? 'No approved video waits for processing.'
        : `${ok} video${ok === 1 ? '' : 's'} ${args.dryRun ? 'readable' : 'now play through HLS'}, ${failed} failed (still playing from their originals), in ${seconds} s`,
    );
    return failed ? 1 : 0;
  });
}

/**
 * Runs a command against its target with a scratch folder, closing both however it ends.
 * Ctrl-C or a kill closes them too and tells the owner that running again continues.
 */
async function onTarget(
  args: TargetOptions,
  command: string,
  interrupted: string,
  run: (target: Target, workDir: string) => Promise<number>,
): Promise<number> {
  const target = await openTarget(args);
  const workDir = await mkdtemp(join(tmpdir(), `gallery-${command}-`));
  const stop = async (signal: NodeJS.Signals) => {
    process.stderr.write(
      `\ngallery: interrupted (${signal}); ${interrupted}run the same command again to continue\n`,
    );
    await Promise.allSettled([target.close(), rm(workDir, { recursive: true, force: true })]);
    process.exit(130);
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
  try {
    return await run(target, workDir);
  } finally {
    await target.close();
    await rm(workDir, { recursive: true, force: true });
  }
}

/** ffmpeg steps run one row at a time (it already uses every core), or none without it. */
function oneFfmpegAtATime() {
  const missing = missingFfmpeg();
  return {
    concurrency: 1,
    blocker:
      missing === undefined ? undefined : { reason: 'ffmpeg-missing' as const, detail: missing },
  };
}

/** One line per row as a backfill goes: what happened, and to which original. */
function printOutcome(suffix: string) {
  return (outcome: BackfillOutcome<BackfillRow>) => {
    const what =
      outcome.status === 'failed'
        ? `failed (${outcome.reason}: ${outcome.detail})`
        : outcome.status;
    console.log(`${what.padEnd(9)} ${outcome.row.original_key}${suffix}`);
  };
}

const countFailed = (outcomes: readonly { status: string }[]) =>
  outcomes.filter((outcome) => outcome.status === 'failed').length;

async function openTarget(args: TargetOptions): Promise<Target> {
  if (args.target === 'local') {
    const { openLocalTarget } = await import('./local-target.ts');
    return openLocalTarget(args.stateDir);
  }
  const { openRemoteTarget } = await import('./remote-target.ts');
  return openRemoteTarget({ env: args.env!, vars: process.env });
}

main().then(
  (code) => process.exit(code),
  (error) => {
    console.error(`gallery: ${message(error)}`);
    process.exit(1);
  },
);
