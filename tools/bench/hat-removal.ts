/**
 * Human-removal benchmark (docs/ARCHITECTURE.md §7, §8):
 *   --profile            time per frame of each part (decode, segmenter + warm-up, catch, refinement, motion,
 *                        temporal fill, spatial fill, blending, encode) on the street at 384x288 and 768x576
 *   --only cases         cuts, close-ups and small background people, audited by detectors the removal did not use
 *   --only shard         frames/s per core with --shard (one worker process per core) and the paper's 150,000 clips
 *   --only pedestrians   the audit of the real clip and the README contact sheet
 *   --only synth         residual rates and PSNR/SSIM on synthetic real-style clips (oracle, rvm)
 *   --short              fewer frames everywhere (a quick check that every part runs)
 *
 *   npm run bench -- hat-removal --profile [--frames 32] [--sizes 384x288,768x576] [--short]
 *
 * Backend: wasm unless PPMA_BACKEND is set.
 *
 * Prints Markdown tables with the 1-minute load beside each figure and merges them into
 * packages/hat-removal/bench/results.json (one key per part).
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { formatBackend, initBackend } from '@ppma/core';
import { profileTable, removeHumans } from '@ppma/hat-removal';
import type { RemovalProfile } from '@ppma/hat-removal';
import { PEDESTRIANS, streetClip } from '../../packages/hat-removal/test/helpers/footage.js';
import { benchCases, benchPedestrians, benchSynth } from './hat-removal-parts.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const pkg = path.join(root, 'packages', 'hat-removal');
const args = process.argv.slice(2);
const opt = (n: string): string | undefined => (args.includes(n) ? args[args.indexOf(n) + 1] : undefined);
const short = args.includes('--short');

// A shard worker (spawned by --only shard): one process per core, one thread each.
// The main thread runs on wasm unless PPMA_BACKEND says otherwise; rvm and CenterNet pick native in their worker threads (hat-removal registry).
const backend = process.env.PPMA_BACKEND ? {} : { backend: 'wasm' as const };
if (args[0] === '--shard-worker') {
  await initBackend({ ...backend, threads: 1 });
  const [, shard, input, out] = args;
  const s = await removeHumans({ input, out, shard, progress: false, log: () => undefined });
  process.stdout.write(JSON.stringify({ frames: s.frames, seconds: s.seconds }) + '\n');
  process.exit(0);
}

const only = args.includes('--profile') ? 'profile' : opt('--only');
const run = (part: string): boolean => only === undefined || only === part;
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'hr-bench-'));
const resultsFile = path.join(pkg, 'bench', 'results.json');
const results: Record<string, unknown> = fs.existsSync(resultsFile)
  ? JSON.parse(fs.readFileSync(resultsFile, 'utf8'))
  : {};
const info = await initBackend(backend);
results.backend = formatBackend(info);
const load = (): string =>
  os
    .loadavg()
    .map((x) => x.toFixed(1))
    .join(' ');
const stamp = (): { date: string; load1: number; backend: string } => ({
  date: new Date().toISOString(),
  load1: os.loadavg()[0],
  backend: String(results.backend),
});
console.log(`backend ${results.backend}; ${os.cpus().length} cores; load ${load()}`);

if (run('profile')) {
  const frames = Number(opt('--frames') ?? (short ? 16 : 48));
  const sizes = (opt('--sizes') ?? '384x288,768x576').split(',').map((s) => s.split('x').map(Number));
  const rows: { label: string; frames: number; profile: RemovalProfile; load1: number; cpuMsPerFrame: number }[] = [];
  for (const [w, h] of sizes) {
    const clip = streetClip(path.join(tmp, `street-${w}x${h}.mp4`), w, h, frames);
    const out = path.join(tmp, `profile-${w}x${h}`);
    const t0 = performance.now();
    const cpu0 = process.cpuUsage();
    const sum = await removeHumans({
      input: clip,
      out,
      progress: true,
      log: (l) => (l.startsWith('failed') ? console.log(l) : undefined),
    });
    const wall = (performance.now() - t0) / 1000;
    // CPU time of this process (its wasm threads and ffmpeg's pipes excluded): less sensitive to other
    // people's load than the wall time, and on 2 idle cores the wall time is at least half of it
    const c = process.cpuUsage(cpu0);
    const cpuMs = (c.user + c.system) / 1000 / sum.frames;
    rows.push({
      label: `street ${w}x${h}`,
      frames: sum.frames,
      profile: sum.profile,
      load1: os.loadavg()[0],
      cpuMsPerFrame: cpuMs,
    });
    console.log(
      `street ${w}x${h}: ${sum.frames} frames, ${(sum.frames / sum.profile.total).toFixed(2)} frames/s in the video loop, ` +
        `${(sum.frames / wall).toFixed(2)} frames/s end to end with model loading (${wall.toFixed(1)} s); ` +
        `${cpuMs.toFixed(0)} ms CPU a frame in this process (${(2000 / cpuMs).toFixed(2)} frames/s if 2 idle cores were fully used); load ${load()}`,
    );
  }
  console.log(`\nms per frame (defaults: rvm + CenterNet catch; load ${load()} on ${os.cpus().length} cores)\n`);
  console.log(profileTable(rows));
  results.profile = { rows, ...stamp() };
}

if (run('cases')) results.cases = { ...(await benchCases(tmp, short)), ...stamp() };

if (run('shard')) {
  const cores = Number(opt('--cores') ?? os.cpus().length);
  const n = short ? 16 : 32;
  const data = path.join(tmp, 'shard-data');
  fs.mkdirSync(data);
  for (let k = 0; k < cores * 2; k++) streetClip(path.join(data, `street-${k}.mp4`), 384, 288, n);
  const t0 = performance.now();
  const outs = await Promise.all(
    Array.from({ length: cores }, (_, i) => worker(`${i}/${cores}`, data, path.join(tmp, `shard-out-${i}`))),
  );
  const wall = (performance.now() - t0) / 1000;
  const frames = outs.reduce((s, o) => s + o.frames, 0);
  const perCore = frames / wall / cores;
  // Kinetics clips: 10 s at about 25 frames/s, so 250 frames; the paper's subset is 150,000 clips.
  const paperFrames = 150_000 * 250;
  const hours = paperFrames / (perCore * 3600);
  console.log(
    `\nshards: ${cores} workers x 1 thread, ${frames} frames of 384x288 in ${wall.toFixed(1)} s: ` +
      `${(frames / wall).toFixed(2)} frames/s, ${perCore.toFixed(2)} frames/s per core; load ${load()}`,
  );
  console.log(
    `the paper's 150,000 clips (about ${(paperFrames / 1e6).toFixed(1)} M frames at 250 a clip): ${Math.round(hours).toLocaleString('en')} core-hours, ` +
      `i.e. ${Math.ceil(hours / (32 * 24))} machines of 32 cores for a day`,
  );
  results.shard = { cores, frames, seconds: wall, fpsPerCore: perCore, paperCoreHours: hours, ...stamp() };
}

if (run('pedestrians')) results.pedestrians = { ...(await benchPedestrians(tmp, pkg, PEDESTRIANS)), ...stamp() };
if (run('synth')) results.synthetic = { ...(await benchSynth(tmp)), ...stamp() };

fs.mkdirSync(path.join(pkg, 'bench'), { recursive: true });
fs.writeFileSync(resultsFile, JSON.stringify(results, null, 2) + '\n');
fs.rmSync(tmp, { recursive: true, force: true });
console.log(`wrote ${resultsFile}`);

function worker(shard: string, input: string, out: string): Promise<{ frames: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const p = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        '--conditions=@ppma/source',
        fileURLToPath(import.meta.url),
        '--shard-worker',
        shard,
        input,
        out,
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    let text = '';
    p.stdout.on('data', (d: Buffer) => (text += d.toString()));
    p.on('error', reject);
    p.on('close', (code) =>
      code === 0
        ? resolve(JSON.parse(text.trim().split('\n').pop()!))
        : reject(new Error(`worker ${shard}: exit ${code}`)),
    );
  });
}
