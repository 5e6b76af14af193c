/**
 * Human-removal benchmark (issue 7): throughput at 384x288 and 768x576 split into segmentation,
 * the missed-person catch and inpainting; the privacy audit on the real pedestrian clip (with its
 * contact sheet for the README); and residual rates plus PSNR/SSIM on synthetic real-style clips
 * with the oracle and with rvm.
 *
 *   npm run bench -- hat-removal [--only throughput|pedestrians|synth] [--frames 48] [--sizes 384x288,768x576]
 *
 * Merges its figures into packages/hat-removal/bench/results.json (one key per part) and writes
 * packages/hat-removal/docs/pedestrians-contact-sheet.png.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBackend, initBackend } from '@ppma/core';
import { generateBenchmark } from '@ppma/synth';
import { decodeFrames } from '@ppma/video-io';
import { contactSheet, createDetector, createSegmenter, removeHumans, removeHumansFromVideo } from '@ppma/hat-removal';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = path.join(root, 'packages', 'hat-removal');
const fixture = path.join(pkg, 'test', 'fixtures', 'pedestrians-96f-384x288.mp4');
const args = process.argv.slice(2);
const opt = (n: string): string | undefined => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
const only = opt('--only');
const run = (part: string): boolean => only === undefined || only === part;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-bench-'));
const resultsFile = path.join(pkg, 'bench', 'results.json');
const results: Record<string, unknown> = fs.existsSync(resultsFile)
  ? JSON.parse(fs.readFileSync(resultsFile, 'utf8'))
  : {};
const stamp = (): { date: string; load1: number; backend: string } => ({
  date: new Date().toISOString(),
  load1: os.loadavg()[0],
  backend: String(results.backend),
});
const info = await initBackend();
results.backend = formatBackend(info);
console.log(
  `backend ${results.backend}; load ${os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ')}`,
);

if (run('throughput')) {
  const frames = Number(opt('--frames') ?? 48);
  const sizes = (opt('--sizes') ?? '384x288,768x576')
    .split(',')
    .map((s) => s.split('x').map(Number) as [number, number]);
  const rows: unknown[] = [];
  for (const [w, h] of sizes) {
    const clip = path.join(tmp, `ped-${w}x${h}.mp4`);
    execFileSync('ffmpeg', [
      '-v',
      'error',
      '-i',
      fixture,
      '-vf',
      `scale=${w}:${h}:flags=lanczos`,
      '-frames:v',
      String(frames),
      '-c:v',
      'libx264',
      '-crf',
      '16',
      '-pix_fmt',
      'yuv420p',
      '-y',
      clip,
    ]);
    const seg = await createSegmenter('rvm', {});
    const det = await createDetector('centernet');
    const r = await removeHumansFromVideo(clip, path.join(tmp, `out-${w}x${h}.mp4`), {
      segmenter: seg,
      catchDetector: det,
    });
    seg.dispose();
    det.dispose();
    const s = r.seconds;
    const row = {
      size: `${w}x${h}`,
      frames: r.frames,
      segmentFps: r.frames / s.segment,
      catchDetectFps: r.frames / s.detect,
      inpaintFps: r.frames / s.inpaint,
      decodeFps: r.frames / s.decode,
      endToEndFps: r.frames / s.total,
      seconds: s,
      ...stamp(),
    };
    rows.push(row);
    console.log(JSON.stringify(row));
  }
  results.throughput = {
    ...(results.throughput as object),
    ...Object.fromEntries(rows.map((r) => [(r as { size: string }).size, r])),
  };
}

// The real clip, with the audit; the contact sheet goes into the README.
if (run('pedestrians')) {
  const out = path.join(tmp, 'pedestrians');
  const sum = await removeHumans({
    input: fixture,
    out,
    segmenter: 'rvm',
    audit: { detector: 'centernet', minScore: 0.5, inputStride: 4 },
    progress: false,
    log: (l) => console.log(l),
  });
  results.pedestrians = { ...sum.audit, seconds: sum.seconds, ...stamp() };
  const audit = JSON.parse(fs.readFileSync(path.join(out, 'audit', 'audit.json'), 'utf8'));
  results.pedestriansVideo = { ...audit.videos[0], outputPersons: undefined };
  const before = await decodeFrames(fixture);
  const after = await decodeFrames(path.join(out, 'pedestrians-96f-384x288.mp4'));
  // the mask column: what the run changed (the run's own masks are not kept on disk)
  const n = before.width * before.height;
  const mask = new Uint8Array(before.frames * n);
  for (let i = 0; i < mask.length; i++) {
    const d = Math.max(...[0, 1, 2].map((c) => Math.abs(before.data[i * 3 + c] - after.data[i * 3 + c])));
    if (d > 12) mask[i] = 255;
  }
  fs.mkdirSync(path.join(pkg, 'docs'), { recursive: true });
  const full = path.join(tmp, 'sheet.png');
  fs.writeFileSync(
    full,
    contactSheet(before, { data: mask, frames: before.frames, width: before.width, height: before.height }, after, {
      frames: [5, 35, 65, 90],
      tileWidth: 192,
    }),
  );
  // a 256-colour palette keeps the README image small (about 200 kB instead of 700 kB)
  execFileSync('ffmpeg', [
    '-v',
    'error',
    '-i',
    full,
    '-vf',
    'split[a][b];[a]palettegen=max_colors=256[p];[b][p]paletteuse=dither=sierra2_4a',
    '-y',
    path.join(pkg, 'docs', 'pedestrians-contact-sheet.png'),
  ]);
  console.log('pedestrians:', JSON.stringify(sum.audit));
}

if (run('synth')) {
  const data = path.join(tmp, 'synth');
  await generateBenchmark({
    preset: 'small',
    seed: 7,
    out: data,
    datasets: ['pretrain-real'],
    geometry: { width: 128, height: 96, frames: 16 },
    perClass: { 'pretrain-real': { train: 1, val: 0 } },
  });
  const manifest = path.join(data, 'pretrain-real', 'train.csv');
  const synth: Record<string, unknown> = {};
  for (const segmenter of ['oracle', 'rvm'] as const) {
    const sum = await removeHumans({
      input: manifest,
      out: path.join(tmp, `synth-${segmenter}`),
      segmenter,
      audit: { minScore: 0.5 },
      progress: false,
      log: () => undefined,
    });
    synth[segmenter] = { videos: sum.videos, failed: sum.failed.length, fps: sum.fps, ...sum.audit };
    console.log(`synthetic ${segmenter}:`, JSON.stringify(synth[segmenter]));
  }
  results.synthetic = {
    ...synth,
    clips: 'the pretrain-real train clips of @ppma/synth (preset small, 1 per class, 128x96, 16 frames, seed 7)',
    ...stamp(),
  };
}

fs.mkdirSync(path.join(pkg, 'bench'), { recursive: true });
fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${resultsFile}`);
