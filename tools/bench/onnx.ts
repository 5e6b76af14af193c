/**
 * Encoder inference benchmark (issue 8): clips/s of the exported video ViT encoder (`pooled`
 * output) run by onnxruntime-node, next to the TF.js wasm forward of the same model, for ViT-Ti and
 * ViT-S at 8x112x112 and 16x224x224 (tubelet 2x16x16, random weights). Reference: PyTorch 1.13 CPU
 * runs ViT-Ti at 16x224 at about 2.15 clips/s here (B=8, 2 threads).
 *
 *   npm run bench -- onnx [--quick] [--models vit-ti,vit-s] [--sizes 8x112,16x224] [--batch 8]
 *                         [--threads 2] [--reps 3] [--tfjs-batch N] [--no-tfjs] [--spinning] [--json]
 *                         [--attention standard,ort-fused]
 * `standard` is the portable graph; `ort-fused` uses onnxruntime's MultiHeadAttention contrib op.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tf from '@tensorflow/tfjs-core';
import { Rng, describeBackend, formatBackend, initBackend } from '@ppma/core';
import { createModel, exportOnnx, loadOnnx, patchSize, tokenCount, variantConfig, vitFlops } from '@ppma/vit';
import type { OnnxAttention } from '@ppma/vit';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const withTfjs = !process.argv.includes('--no-tfjs');
const models = (arg('models') ?? 'vit-ti,vit-s').split(',');
const sizes = (arg('sizes') ?? (quick ? '8x112' : '8x112,16x224')).split(',');
const batch = Number(arg('batch') ?? 8);
const threads = Number(arg('threads') ?? 2);
const reps = Number(arg('reps') ?? (quick ? 1 : 3));
const spinning = process.argv.includes('--spinning');
const attentions = (arg('attention') ?? 'standard,ort-fused').split(',') as OnnxAttention[];

interface Row {
  engine: string;
  model: string;
  size: string;
  batch: number;
  secPerBatch: number;
  clipsPerSec: number;
  gflopsPerSec: number;
  /** CPU seconds (all threads of this process) per batch: on a shared machine, batch / (cpu / threads) estimates the idle speed. */
  cpuPerBatch: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

/** Median wall seconds and CPU seconds of `reps` calls after one warm-up call. */
async function timeIt(reps: number, f: () => Promise<void>): Promise<{ sec: number; cpu: number }> {
  await f(); // warm-up (graph optimisation, allocations)
  const ts: number[] = [];
  const cs: number[] = [];
  for (let i = 0; i < reps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await f();
    ts.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cs.push((c.user + c.system) / 1e6);
  }
  return { sec: median(ts), cpu: median(cs) };
}

const backend = await initBackend({ backend: 'wasm' });
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'ppma-bench-onnx-'));
const rows: Row[] = [];
const log = (s: string): void => void process.stderr.write(s + '\n');
log(
  `load before: ${os
    .loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}; onnxruntime-node ${threads} threads; tfjs ${formatBackend(describeBackend())}`,
);
try {
  for (const size of sizes) {
    const [frames, side] = size.split('x').map(Number);
    for (const name of models) {
      const cfg = variantConfig(name, { frames, height: side, width: side, classes: 0 });
      const vit = createModel(name, cfg, { seed: 1 });
      const flopsPerClip = vitFlops({
        batch: 1,
        tokens: tokenCount(vit.config),
        patchValues: patchSize(vit.config),
        dim: cfg.dim,
        depth: cfg.depth,
      }).forward;
      const clips = new Rng(2).fillUniform(new Float32Array(batch * frames * side * side * 3), 0, 1);
      for (const attention of attentions) {
        const file = path.join(dir, `${name}-${size}-${attention}.onnx`);
        await exportOnnx(vit, file, { encoderOnly: true, attention });
        const enc = await loadOnnx(file, { threads, batchSize: batch, spinning });
        const { sec, cpu } = await timeIt(reps, async () => void (await enc.encode(clips)));
        await enc.dispose();
        fs.rmSync(file);
        const engine = `onnxruntime-node ${attention} (${threads} thr)`;
        rows.push({
          engine,
          model: name,
          size,
          batch,
          secPerBatch: sec,
          clipsPerSec: batch / sec,
          gflopsPerSec: (flopsPerClip * batch) / sec / 1e9,
          cpuPerBatch: cpu,
        });
        log(JSON.stringify(rows[rows.length - 1]));
      }
      if (withTfjs) {
        const tb = Number(arg('tfjs-batch') ?? (frames >= 16 ? 1 : 2));
        const x = tf.tensor5d(clips.subarray(0, tb * frames * side * side * 3), [tb, frames, side, side, 3]);
        const { sec: tsec, cpu: tcpu } = await timeIt(quick ? 1 : Math.min(reps, 2), async () => {
          const f = vit.features(x);
          await f.data();
          f.dispose();
        });
        x.dispose();
        rows.push({
          engine: `tfjs ${backend.name}`,
          model: name,
          size,
          batch: tb,
          secPerBatch: tsec,
          clipsPerSec: tb / tsec,
          gflopsPerSec: (flopsPerClip * tb) / tsec / 1e9,
          cpuPerBatch: tcpu,
        });
        log(JSON.stringify(rows[rows.length - 1]));
      }
      vit.dispose();
    }
  }
} finally {
  fs.rmSync(dir, { recursive: true, force: true });
}
const load = os
  .loadavg()
  .map((l) => l.toFixed(2))
  .join(' ');
if (json) process.stdout.write(JSON.stringify({ rows, load, cpu: os.cpus()[0]?.model }) + '\n');
else {
  const lines = [
    '| engine | model | clip | batch | s/batch | clips/s | GFLOP/s | CPU s/batch | clips per 2 CPU-s |',
    '| --- | --- | --- | --- | --- | --- | --- | --- | --- |',
  ];
  for (const r of rows) {
    const cells = [
      r.engine,
      r.model,
      r.size,
      r.batch,
      r.secPerBatch.toFixed(3),
      r.clipsPerSec.toFixed(2),
      r.gflopsPerSec.toFixed(1),
      r.cpuPerBatch.toFixed(2),
      ((2 * r.batch) / r.cpuPerBatch).toFixed(2),
    ];
    lines.push(`| ${cells.join(' | ')} |`);
  }
  process.stdout.write(
    lines.join('\n') +
      `\n\nload average after: ${load}; PyTorch 1.13 reference: ViT-Ti 16x224, B=8, 2 threads: 2.15 clips/s\n`,
  );
}
