/**
 * Video decoding and clip-cache benchmark (issue 3, "Done when"): sampled 16x224x224 training
 * clips (stride 4) from 320p-1080p H.264 sources, decoded by @ppma/video-io (seek near the window,
 * select 16 frames, scale in ffmpeg, RGB over a pipe, centre crop), next to a bare ffmpeg decode of
 * the same frames to /dev/null (same seek, same frames, no scaling, no pipe: the practical limit),
 * and the clip-cache read throughput.
 *
 *   npm run bench -- video-io [--quick] [--clips 12] [--sources 320,480,720,1080] [--json]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Rng } from '@ppma/core';
import {
  buildClipCache,
  centerCrop,
  decodeClip,
  findFfmpeg,
  liveProcessCount,
  openClipCache,
  probeVideo,
  runBareDecode,
  trainWindow,
  windowSpan,
} from '@ppma/video-io';
import type { Manifest } from '@ppma/video-io';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const clipsPer = Number(arg('clips') ?? (quick ? 4 : 12));
const heights = (arg('sources') ?? (quick ? '320,720' : '320,480,720,1080')).split(',').map(Number);
const T = 16;
const STRIDE = 4;
const SIZE = 224;
const SECONDS = 20;

const { ffmpeg } = findFfmpeg();
const srcDir = path.join(os.tmpdir(), 'ppma-bench-video-io');
fs.mkdirSync(srcDir, { recursive: true });

function source(h: number): string {
  const w = Math.round((h * 16) / 9 / 2) * 2;
  const file = path.join(srcDir, `src-${h}p.mp4`);
  if (!fs.existsSync(file)) {
    process.stderr.write(`generating ${file} (${w}x${h}, ${SECONDS} s, 30 fps, H.264 GOP 60)\n`);
    execFileSync(ffmpeg, [
      '-v',
      'error',
      '-y',
      '-f',
      'lavfi',
      '-i',
      `testsrc2=size=${w}x${h}:rate=30,noise=alls=12:allf=t`,
      '-t',
      String(SECONDS),
      '-c:v',
      'libx264',
      '-preset',
      'veryfast',
      '-crf',
      '23',
      '-g',
      '60',
      '-pix_fmt',
      'yuv420p',
      `${file}.tmp.mp4`,
    ]);
    fs.renameSync(`${file}.tmp.mp4`, file);
  }
  return file;
}

const rows: Record<string, number | string>[] = [];
const load = (): string =>
  os
    .loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');
const manifest: Manifest = { labels: ['x'], entries: [] };
let fastestDecode = 0;

for (const h of heights) {
  const file = source(h);
  manifest.entries.push({ path: file, label: 0, labelName: 'x' });
  const info = await probeVideo(file);
  const rng = new Rng(h);
  const windows = Array.from({ length: clipsPer }, () =>
    trainWindow(info.frameCount, { frames: T, stride: STRIDE }, rng),
  );
  // Warm the page cache and the probe cache.
  await decodeClip(file, windows[0], { shortSide: SIZE, info });
  // Interleaved (ours, bare, ours, bare, ...) so that load changes on a shared machine hit both alike.
  let ours = 0;
  let bare = 0;
  for (const idx of windows) {
    let t0 = performance.now();
    centerCrop(await decodeClip(file, idx, { shortSide: SIZE, info }), SIZE);
    ours += performance.now() - t0;
    t0 = performance.now();
    await runBareDecode(info, idx[0], windowSpan({ frames: T, stride: STRIDE }));
    bare += performance.now() - t0;
  }
  fastestDecode = Math.max(fastestDecode, clipsPer / (ours / 1000));
  rows.push({
    source: `${info.width}x${info.height}`,
    clips: clipsPer,
    'video-io clips/s': +(clipsPer / (ours / 1000)).toFixed(2),
    'bare ffmpeg clips/s': +(clipsPer / (bare / 1000)).toFixed(2),
    ratio: +(bare / ours).toFixed(2),
    load: load(),
  });
}

const cacheDir = path.join(srcDir, 'cache');
fs.rmSync(cacheDir, { recursive: true, force: true });
const t0 = performance.now();
const index = await buildClipCache(manifest, {
  dir: cacheDir,
  frames: T,
  stride: STRIDE,
  size: SIZE,
  clipsPerVideo: 4,
});
const buildMs = performance.now() - t0;
const cache = await openClipCache(cacheDir);
const nClips = index.videos.reduce((s, v) => s + v.clips.length, 0);
const reads = quick ? 200 : 1000;
const buf = new Uint8Array(index.clipBytes);
const rng = new Rng(1);
const t1 = performance.now();
for (let i = 0; i < reads; i++) {
  const v = index.videos[rng.int(0, index.videos.length)];
  await cache.readClip(v.entry, rng.int(0, v.clips.length), buf);
}
const readMs = performance.now() - t1;
await cache.close();
const decodeRate = fastestDecode;
const cacheRate = reads / (readMs / 1000);
const summary = {
  cacheBuild: { clips: nClips, seconds: +(buildMs / 1000).toFixed(1) },
  cacheRead: {
    'clips/s': +cacheRate.toFixed(1),
    'MB/s': +((cacheRate * index.clipBytes) / 1e6).toFixed(0),
    'x fastest decode': +(cacheRate / decodeRate).toFixed(1),
  },
  liveProcesses: liveProcessCount(),
  load: load(),
  cpus: os.cpus().length,
};
if (json) console.log(JSON.stringify({ decode: rows, ...summary }));
else {
  console.log(
    `decode of ${T}x${SIZE}x${SIZE} clips, stride ${STRIDE} (span ${windowSpan({ frames: T, stride: STRIDE })} frames), sequential, one ffmpeg at a time`,
  );
  console.table(rows);
  console.log(
    `clip cache: built ${nClips} clips in ${summary.cacheBuild.seconds} s; random reads ${summary.cacheRead['clips/s']} clips/s (${summary.cacheRead['MB/s']} MB/s), ${summary.cacheRead['x fastest decode']}x the fastest decode rate above (320p)`,
  );
  console.log(
    `load average ${summary.load} on ${summary.cpus} cpus; live ffmpeg processes after the run: ${summary.liveProcesses}`,
  );
}
