#!/usr/bin/env node
// Regenerates the demo media and demo/media.json with ffmpeg (Debian's ffmpeg 5.1 was
// used: `apt-get install -y ffmpeg`). The output is committed; nothing runs this at
// start. Usage: node demo/generate.mjs
//
// The files are laid out as their R2 keys (originals/, thumbnails/, hls/<videoId>/),
// so seeding puts every file at its relative path.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const demo = new URL('.', import.meta.url).pathname;
const font = '/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf';
const thumbnailSide = 480;

/** Twelve photos in varied aspect ratios; `source` is an ffmpeg lavfi graph. */
const photos = [
  {
    title: 'Dunes at dusk',
    size: [1200, 800],
    source: 'gradients=s={s}:c0=0x2b1055:c1=0xd53a9d:c2=0xf9a03f:c3=0xffd28e:x0=0:y0=0:x1={w}:y1={h}:nb_colors=4:seed=7',
  },
  {
    title: 'Harbour lights',
    size: [1024, 768],
    source: 'mandelbrot=s={s}:start_x=-0.743643887037151:start_y=0.131825904205330:start_scale=0.02:inner=period',
  },
  {
    title: 'Tall pines',
    size: [800, 1200],
    source: 'gradients=s={s}:c0=0x0b3d20:c1=0x3f8f4a:c2=0xbfe3a1:x0=0:y0={h}:x1=0:y1=0:nb_colors=3:seed=3',
  },
  {
    title: 'Morning fog over the bay',
    size: [1280, 720],
    source: "color=c=0x8fb3c9:s={s},geq=r='150+60*sin(X/90+Y/300)':g='175+50*sin(X/120)':b='200+40*cos(Y/80)'",
  },
  {
    title: 'Grandmother at the window',
    size: [900, 1200],
    source: 'gradients=s={s}:c0=0x3a2418:c1=0xa86b3c:c2=0xf1d3a6:x0={w}:y0=0:x1=0:y1={h}:nb_colors=3:seed=11',
  },
  {
    title: 'Tiled courtyard',
    size: [1000, 1000],
    source: "color=c=black:s={s},geq=r='110+90*(mod(floor(X/125)+floor(Y/125),2))+20*sin(X/9)':g='80+60*(mod(floor(X/125)+floor(Y/125),2))':b='60+40*cos(Y/31)'",
  },
  {
    title: 'Valley panorama',
    size: [1400, 600],
    source: "color=c=black:s={s},geq=r='40+120*Y/H+40*sin(X/70)':g='90+100*Y/H':b='200-80*Y/H+30*cos(X/50)'",
  },
  {
    title: 'Night market',
    size: [675, 1200],
    source: 'mandelbrot=s={s}:start_x=-1.25066:start_y=0.02012:start_scale=0.002:inner=mincol',
  },
  {
    title: 'Ceremony aisle',
    size: [1000, 800],
    source: "color=c=white:s={s},geq=r='235-90*abs(X/W-0.5)':g='220-120*abs(X/W-0.5)-30*Y/H':b='200-60*Y/H'",
  },
  {
    title: 'Stained glass',
    size: [800, 1000],
    source: "color=c=black:s={s},geq=r='128+127*sin(hypot(X-W/2,Y-H/2)/18)':g='128+127*sin(X/23+Y/41)':b='128+127*cos(Y/17)'",
  },
  {
    title: 'Coastline from the cliff',
    size: [1200, 600],
    source: 'gradients=s={s}:c0=0x06324f:c1=0x1d7fa5:c2=0x9fd8e6:c3=0xefe7d2:x0=0:y0={h}:x1={w}:y1=0:nb_colors=4:seed=5',
  },
  {
    title: 'Lanterns',
    size: [1200, 800],
    source: "color=c=black:s={s},geq=r='min(255,60+200*exp(-((X-300)^2+(Y-400)^2)/20000)+200*exp(-((X-850)^2+(Y-300)^2)/30000))':g='30+120*exp(-((X-300)^2+(Y-400)^2)/20000)+90*exp(-((X-850)^2+(Y-300)^2)/30000)':b='40+30*Y/H'",
  },
];

const video = {
  id: 'demo-13',
  videoId: 'demo-clip',
  title: 'Fractal flight (HLS, 3 renditions)',
  durationSec: 6,
  fps: 25,
  size: [960, 540],
};

function ffmpeg(args) {
  const result = spawnSync('ffmpeg', ['-hide_banner', '-loglevel', 'error', '-y', ...args], {
    cwd: demo,
    stdio: 'inherit',
  });
  if (result.status !== 0) throw new Error(`ffmpeg failed: ${args.join(' ')}`);
}

function quoteForShell(arg) {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replaceAll("'", "'\\''")}'`;
}

function label(text, fontSize) {
  const escaped = text.replaceAll(':', '\\:').replaceAll("'", '');
  return `drawtext=fontfile=${font}:text='${escaped}':fontcolor=white:fontsize=${fontSize}:box=1:boxcolor=black@0.45:boxborderw=14:x=w/28:y=h-th-h/28`;
}

function thumbnail(input, output) {
  const fit = `scale='if(gt(iw,ih),${thumbnailSide},-2)':'if(gt(iw,ih),-2,${thumbnailSide})'`;
  ffmpeg(['-i', input, '-vf', fit, '-frames:v', '1', '-c:v', 'libwebp', '-quality', '72', output]);
}

for (const dir of ['originals', 'thumbnails', 'hls']) {
  rmSync(join(demo, dir), { recursive: true, force: true });
  mkdirSync(join(demo, dir), { recursive: true });
}

const rows = [];
const start = Date.parse('2026-06-13T09:00:00Z');

photos.forEach((photo, index) => {
  const id = `demo-${String(index + 1).padStart(2, '0')}`;
  const [w, h] = photo.size;
  const source = photo.source
    .replaceAll('{s}', `${w}x${h}`)
    .replaceAll('{w}', String(w))
    .replaceAll('{h}', String(h));
  const graph = `${source},format=yuv420p,noise=alls=5:allf=u,vignette=PI/5,${label(`${index + 1} · ${photo.title} · ${w}×${h}`, Math.round(Math.min(w, h) / 28))}`;
  const original = `originals/${id}.jpg`;
  ffmpeg(['-f', 'lavfi', '-i', graph, '-frames:v', '1', '-q:v', '5', original]);
  const thumb = `thumbnails/${id}.webp`;
  thumbnail(original, thumb);
  rows.push({
    id,
    kind: 'image',
    title: photo.title,
    // Date#toISOString's one fixed format: the viewer's keyset pagination orders by text.
    taken_at: new Date(start + index * 47 * 60_000).toISOString(),
    width: w,
    height: h,
    bytes: statSync(join(demo, original)).size,
    original_key: original,
    thumbnail_key: thumb,
    video_id: null,
    duration_sec: null,
  });
});

// The HLS video: one ffmpeg run, three renditions of the same frames with aligned
// keyframes (a GOP of exactly one segment, scene-cut detection off), fMP4 segments.
const renditions = [
  { name: '540p', scale: '960:540', bitrate: 600 },
  { name: '360p', scale: '640:360', bitrate: 350 },
  { name: '240p', scale: '426:240', bitrate: 180 },
];
const segmentSeconds = 2;
const gop = video.fps * segmentSeconds;
const hlsDir = `hls/${video.videoId}`;
mkdirSync(join(demo, hlsDir), { recursive: true });
const split = `[0:v]drawtext=fontfile=${font}:text='%{pts\\:hms}  frame %{n}':fontcolor=white:fontsize=28:box=1:boxcolor=black@0.5:boxborderw=8:x=24:y=24,split=${renditions.length}${renditions.map((_, i) => `[s${i}]`).join('')}`;
const scaled = renditions.map(
  (r, i) =>
    `[s${i}]scale=${r.scale},setsar=1,drawtext=fontfile=${font}:text='${r.name}':fontcolor=yellow:fontsize=h/10:x=w-tw-24:y=h-th-24[v${i}]`,
);
const hlsArgs = [
  ...['-f', 'lavfi', '-i', `mandelbrot=s=${video.size.join('x')}:rate=${video.fps}:end_pts=400:end_scale=0.02:inner=period`],
  ...['-f', 'lavfi', '-i', 'sine=frequency=440:beep_factor=4:sample_rate=48000'],
  ...['-t', String(video.durationSec)],
  ...['-filter_complex', [split, ...scaled].join(';')],
  ...renditions.flatMap((_, i) => ['-map', `[v${i}]`, '-map', '1:a']),
  ...['-c:v', 'libx264', '-preset', 'medium', '-profile:v', 'main', '-pix_fmt', 'yuv420p'],
  ...['-r', String(video.fps), '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0'],
  ...renditions.flatMap((r, i) => [
    `-b:v:${i}`,
    `${r.bitrate}k`,
    `-maxrate:v:${i}`,
    `${Math.round(r.bitrate * 1.1)}k`,
    `-bufsize:v:${i}`,
    `${r.bitrate * 2}k`,
  ]),
  ...['-c:a', 'aac', '-b:a', '48k', '-ac', '1'],
  ...['-f', 'hls', '-hls_time', String(segmentSeconds), '-hls_playlist_type', 'vod'],
  ...['-hls_segment_type', 'fmp4', '-hls_flags', 'independent_segments'],
  ...['-hls_fmp4_init_filename', 'init.mp4', '-hls_segment_filename', `${hlsDir}/%v/seg%d.m4s`],
  ...['-master_pl_name', 'master.m3u8'],
  ...['-var_stream_map', renditions.map((r, i) => `v:${i},a:${i},name:${r.name}`).join(' ')],
  `${hlsDir}/%v/index.m3u8`,
];
ffmpeg(hlsArgs);
writeFileSync(
  join(demo, 'hls-command.txt'),
  `# Run from demo/ (written by generate.mjs)\nffmpeg -y ${hlsArgs.map(quoteForShell).join(' ')}\n`,
);

// The downloadable original: the 360p rendition remuxed into one MP4 (no re-encode).
const videoOriginal = `originals/${video.id}.mp4`;
ffmpeg(['-i', `${hlsDir}/360p/index.m3u8`, '-c', 'copy', '-movflags', '+faststart', videoOriginal]);
// Seek previews beside the ladder, made by the import's own module (storyboard.ts; Node
// strips its types). Needs the workspace's Node 22: npx pnpm@10.34.9 exec node demo/generate.mjs
const { writeStoryboard } = await import('../tools/gallery-cli/src/storyboard.ts');
await writeStoryboard(
  join(demo, videoOriginal),
  { durationSec: video.durationSec, width: video.size[0], height: video.size[1] },
  join(demo, hlsDir),
);
const poster = `thumbnails/${video.id}.webp`;
ffmpeg(['-i', `${hlsDir}/540p/index.m3u8`, '-ss', '3', '-frames:v', '1', '-f', 'image2', 'poster.png']);
thumbnail('poster.png', poster);
rmSync(join(demo, 'poster.png'));

rows.push({
  id: video.id,
  kind: 'video',
  title: video.title,
  taken_at: new Date(start + photos.length * 47 * 60_000).toISOString(),
  width: video.size[0],
  height: video.size[1],
  bytes: statSync(join(demo, videoOriginal)).size,
  original_key: videoOriginal,
  thumbnail_key: poster,
  video_id: video.videoId,
  duration_sec: video.durationSec,
});

function* files(dir) {
  for (const name of readdirSync(dir).sort()) {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) yield* files(path);
    else yield path;
  }
}

const objects = ['originals', 'thumbnails', 'hls'].flatMap((dir) =>
  [...files(join(demo, dir))].map((path) => relative(demo, path)),
);
const manifest = {
  bucket: 'edge-gallery-media',
  rows,
  objects,
  videos: {
    [video.videoId]: {
      frames: video.durationSec * video.fps,
      renditions: renditions.map((r) => ({
        name: r.name,
        width: Number(r.scale.split(':')[0]),
        height: Number(r.scale.split(':')[1]),
      })),
    },
  },
};
writeFileSync(join(demo, 'media.json'), `${JSON.stringify(manifest, null, 2)}\n`);
const total = objects.reduce((sum, key) => sum + statSync(join(demo, key)).size, 0);
console.log(`${objects.length} objects, ${(total / 1024).toFixed(0)} KiB`);
