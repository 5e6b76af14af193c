/**
 * Training-step benchmark (issue 5): one MAE and one supervised step (forward + backward + AdamW)
 * for ViT-Ti and ViT-S at 8x112x112 and 16x224x224, tubelet 2x16x16, MAE decoder 4x384 (6 heads,
 * 90% random masking). Prints median s/step, clips/s, effective GFLOP/s (analytic 2·M·N·K per
 * matmul incl. attention, x3 for training) and the backend.
 *
 *   npm run bench -- train-step [--quick] [--steps 5] [--models vit-ti,vit-s] [--sizes 8x112,16x224]
 *                               [--kinds mae,sup] [--batch N] [--attention auto|split|batched] [--json]
 */
import { spawnSync } from 'node:child_process';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, Rng, describeBackend, formatBackend, initBackend } from '@ppma/core';
import {
  VideoViT,
  crossEntropy,
  patchSize,
  resolveAttentionMode,
  tokenCount,
  variantConfig,
  vitFlops,
  type AttentionMode,
} from '@ppma/vit';
import { VideoMAE, drawMaskBatch, tokenGrid } from '@ppma/mae';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const quick = process.argv.includes('--quick');
const json = process.argv.includes('--json');
const steps = Number(arg('steps') ?? (quick ? 2 : 5));
const models = (arg('models') ?? 'vit-ti,vit-s').split(',');
const sizes = (arg('sizes') ?? (quick ? '8x112' : '8x112,16x224')).split(',');
const kinds = (arg('kinds') ?? 'mae,sup').split(',') as ('mae' | 'sup')[];
const attention = (arg('attention') ?? 'auto') as AttentionMode | 'auto';

interface Row {
  model: string;
  size: string;
  kind: string;
  batch: number;
  attention: string;
  secPerStep: number;
  clipsPerSec: number;
  gflops: number;
  gflopsPerSec: number;
  /** Process CPU seconds per step (all threads) and GFLOP per CPU second: robust to a busy machine. */
  cpuSecPerStep: number;
  gflopsPerCpuSec: number;
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

function defaultBatch(kind: 'mae' | 'sup', frames: number): number {
  if (frames >= 16) return kind === 'mae' ? 2 : 1;
  return kind === 'mae' ? 4 : 2;
}

/** Median wall seconds and median process CPU seconds (user + system, all threads) per step. */
async function timeSteps(run: () => Promise<void>): Promise<{ wall: number; cpu: number }> {
  await run(); // warm-up (kernel set-up, first allocations)
  const wall: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run();
    wall.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
  }
  return { wall: median(wall), cpu: median(cpu) };
}

async function benchOne(model: string, size: string, kind: 'mae' | 'sup'): Promise<Row> {
  const [frames, side] = size.split('x').map(Number);
  const geo = { frames, height: side, width: side, tubelet: 2, patch: 16 };
  const base = variantConfig(model, geo);
  const batch = Number(arg('batch') ?? defaultBatch(kind, frames));
  const rng = new Rng('bench');
  const clip = tf.randomUniform([batch, frames, side, side, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
  const opt = new AdamW({ beta1: 0.9, beta2: 0.95, weightDecay: 0.05 });
  const n = tokenCount(base);
  let flops: number;
  let run: () => Promise<void>;
  let dispose: () => void;
  if (kind === 'mae') {
    const mae = VideoMAE.create({ ...base, decoderDim: 384, decoderDepth: 4, decoderHeads: 6 });
    const masks = drawMaskBatch({ kind: 'random', ratio: 0.9 }, { kind: 'none' }, tokenGrid(base), batch, rng);
    const vars = mae.trainableVariables();
    const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const nv = n - Math.round(0.9 * n);
    flops = vitFlops({
      batch,
      tokens: n,
      visible: nv,
      patchValues: patchSize(base),
      dim: base.dim,
      depth: base.depth,
      decoder: { dim: 384, depth: 4, predicted: n - nv },
    }).train;
    run = async () => {
      const { value, grads } = tf.variableGrads(
        () => mae.forward(clip, masks.hidden, { attention }).loss,
        Object.values(vars),
      );
      const named: Record<string, tf.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
      opt.apply(vars, named, 1e-4);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    dispose = () => mae.dispose();
  } else {
    const vit = VideoViT.create({ ...base, classes: 150 });
    const labels = Array.from({ length: batch }, (_, i) => i % 150);
    const vars = vit.trainableVariables();
    const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    flops = vitFlops({
      batch,
      tokens: n,
      patchValues: patchSize(base),
      dim: base.dim,
      depth: base.depth,
      classes: 150,
    }).train;
    run = async () => {
      const { value, grads } = tf.variableGrads(
        () => crossEntropy(vit.forward(clip, { attention }).logits, labels),
        Object.values(vars),
      );
      const named: Record<string, tf.Tensor> = {};
      for (const [k, g] of Object.entries(grads)) named[names.get(k)!] = g;
      opt.apply(vars, named, 1e-4);
      await value.data();
      tf.dispose([value, ...Object.values(grads)]);
    };
    dispose = () => vit.dispose();
  }
  const t = await timeSteps(run);
  const sec = t.wall;
  dispose();
  opt.dispose();
  clip.dispose();
  return {
    model,
    size: `${frames}x${side}x${side}`,
    kind,
    batch,
    attention: attentionLabel(kind, n, base.dim / base.heads),
    secPerStep: sec,
    clipsPerSec: batch / sec,
    gflops: flops / 1e9,
    gflopsPerSec: flops / 1e9 / sec,
    cpuSecPerStep: t.cpu,
    gflopsPerCpuSec: flops / 1e9 / t.cpu,
  };
}

/** The attention mode each part runs (auto picks per backend and per-head problem size). */
function attentionLabel(kind: 'mae' | 'sup', n: number, dh: number): string {
  if (kind === 'sup') return resolveAttentionMode(attention, { tokens: n, headDim: dh });
  const enc = resolveAttentionMode(attention, { tokens: n - Math.round(0.9 * n), headDim: dh });
  const dec = resolveAttentionMode(attention, { tokens: n, headDim: 64 });
  return `encoder ${enc}, decoder ${dec}`;
}

/** Runs one row in a fresh process (each configuration gets the whole 4 GiB wasm heap). */
function runIsolated(model: string, size: string, kind: 'mae' | 'sup'): Row | { error: string } {
  const args = [
    ...process.execArgv,
    fileURLToPath(import.meta.url),
    '--one',
    `${model}:${size}:${kind}`,
    '--steps',
    String(steps),
    '--attention',
    attention,
  ];
  const batch = arg('batch');
  if (batch) args.push('--batch', batch);
  const r = spawnSync(process.execPath, args, { encoding: 'utf8', maxBuffer: 1 << 26 });
  const line = r.stdout.split('\n').find((l) => l.startsWith('{'));
  if (r.status === 0 && line) return JSON.parse(line) as Row;
  const err = (r.stderr.match(/(RuntimeError|Error)[^\n]*/) ?? [`exit code ${r.status}`])[0];
  return { error: err.slice(0, 200) };
}

async function main(): Promise<void> {
  const one = arg('one');
  if (one) {
    await initBackend();
    const [model, size, kind] = one.split(':');
    console.log(JSON.stringify(await benchOne(model, size, kind as 'mae' | 'sup')));
    return;
  }
  await initBackend();
  const backend = formatBackend(describeBackend());
  const load = os
    .loadavg()
    .map((x) => x.toFixed(2))
    .join(' ');
  if (!json) {
    console.log(
      `backend: ${backend}; load average: ${load} on ${os.availableParallelism()} cores; ${steps} timed steps after 1 warm-up`,
    );
    console.log(
      'GFLOP/s = analytic training FLOPs / median wall time; GFLOP/CPU-s = the same over process CPU time (less sensitive to other load)',
    );
  }
  const rows: (Row | { model: string; size: string; kind: string; error: string })[] = [];
  for (const size of sizes) {
    for (const model of models) {
      for (const kind of kinds) {
        const r = runIsolated(model, size, kind);
        if ('error' in r) {
          rows.push({ model, size, kind, error: r.error });
          if (!json) console.log(`${model.padEnd(6)} ${size.padEnd(10)} ${kind.padEnd(3)} failed: ${r.error}`);
          continue;
        }
        rows.push(r);
        if (!json) {
          console.log(
            `${r.model.padEnd(6)} ${r.size.padEnd(10)} ${r.kind.padEnd(3)} batch ${r.batch}  ${r.secPerStep.toFixed(3)} s/step  ` +
              `${r.clipsPerSec.toFixed(2)} clips/s  ${r.gflopsPerSec.toFixed(1)} GFLOP/s  | ${r.cpuSecPerStep.toFixed(3)} CPU-s/step ${r.gflopsPerCpuSec.toFixed(1)} GFLOP/CPU-s  (${r.gflops.toFixed(1)} GFLOP/step, attention ${r.attention})`,
          );
        }
      }
    }
  }
  if (json) console.log(JSON.stringify({ backend, load, steps, rows }, null, 2));
}

await main();
