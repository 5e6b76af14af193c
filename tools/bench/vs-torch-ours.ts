/**
 * Our side of `npm run bench -- vs-torch`: the benchmark rows (model, clip, batch, masking) and,
 * run as a script (`vs-torch-ours.ts <row> <steps>`), one warm-up and `steps` timed training steps
 * (forward, backward, AdamW) on the backend the environment selects, printing one JSON line
 * `{"steps": [...], "cpuSeconds": [...], "sysSeconds": [...], "minorFaults": [...], "peakMiB": ..., "label": "native (OpenBLAS 0.3.21, 2 threads)", "pool": {...}}`
 * (CPU seconds of the process per step: a figure that a loaded machine disturbs less; of them the
 * system (kernel) seconds, and the minor page faults per step: first touches of fresh memory; `pool`: the
 * native buffer pool's MiB held, cap, and buffers reused, allocated and dropped (pool full) over the run).
 */
import fs from 'node:fs';
import { pathToFileURL } from 'node:url';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, Rng, describeBackend, formatBackend, initBackend } from '@ppma/core';
import { VideoViT, crossEntropy, variantConfig } from '@ppma/vit';
import { VideoMAE, drawMaskBatch, tokenGrid } from '@ppma/mae';
import { poolStats } from '@ppma/native';

/** One benchmark row: the model in the field names of both implementations. */
export interface BenchRow {
  readonly name: string;
  readonly title: string;
  readonly kind: 'mae' | 'sup';
  readonly batch: number;
  readonly ratio: number;
  readonly model: {
    dim: number;
    depth: number;
    heads: number;
    tubelet: number;
    patch: number;
    frames: number;
    height: number;
    width: number;
    decoderDim: number;
    decoderDepth: number;
    decoderHeads: number;
  };
}

const geo16x224 = { tubelet: 2, patch: 16, frames: 16, height: 224, width: 224 };
const noDecoder = { decoderDim: 0, decoderDepth: 0, decoderHeads: 0 };

/** The rows of the comparison. */
export const ROWS: readonly BenchRow[] = [
  {
    name: 'mae-tiny',
    title: 'embedded default MAE (dim 64, depth 4, 8x32x32, batch 16)',
    kind: 'mae',
    batch: 16,
    ratio: 0.75,
    model: {
      dim: 64,
      depth: 4,
      heads: 4,
      tubelet: 2,
      patch: 8,
      frames: 8,
      height: 32,
      width: 32,
      decoderDim: 64,
      decoderDepth: 1,
      decoderHeads: 4,
    },
  },
  {
    name: 'vits-b1',
    title: 'ViT-S 16x224 supervised, batch 1',
    kind: 'sup',
    batch: 1,
    ratio: 0,
    model: { dim: 384, depth: 12, heads: 6, ...geo16x224, ...noDecoder },
  },
  {
    name: 'vits-b2',
    title: 'ViT-S 16x224 supervised, batch 2',
    kind: 'sup',
    batch: 2,
    ratio: 0,
    model: { dim: 384, depth: 12, heads: 6, ...geo16x224, ...noDecoder },
  },
  {
    name: 'vitti-mae-b4',
    title: 'ViT-Ti 16x224 MAE 90%, decoder 4x384, batch 4',
    kind: 'mae',
    batch: 4,
    ratio: 0.9,
    model: { dim: 192, depth: 12, heads: 3, ...geo16x224, decoderDim: 384, decoderDepth: 4, decoderHeads: 6 },
  },
  {
    name: 'vitb-b4',
    title: 'ViT-B 16x224 supervised, batch 4',
    kind: 'sup',
    batch: 4,
    ratio: 0,
    model: { dim: 768, depth: 12, heads: 12, ...geo16x224, ...noDecoder },
  },
];

function peakMiB(): number {
  const m = fs.readFileSync('/proc/self/status', 'utf8').match(/VmHWM:\s+(\d+) kB/);
  return m ? Number(m[1]) / 1024 : process.memoryUsage().rss / 2 ** 20;
}

/** Per-kernel totals of one profiled step: ms, calls, and the wall time of the step. */
async function profileStep(step: () => Promise<void>, steps: number): Promise<void> {
  const byName = new Map<string, { ms: number; calls: number }>();
  let wall = 0;
  let kernels = 0;
  for (let i = 0; i < steps; i++) {
    const t0 = performance.now();
    const prof = await tf.profile(step);
    wall += performance.now() - t0;
    for (const k of prof.kernels) {
      // customGrad records an "unnamed scope" whose time includes the kernels inside it: skip it.
      if (k.name.includes('scope')) continue;
      if (process.env.PPMA_PROFILE_SHAPES && k.name === 'BatchMatMul') {
        const key = `BMM ${JSON.stringify(k.inputShapes)}`;
        const s = byName.get(key) ?? { ms: 0, calls: 0 };
        s.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
        s.calls++;
        byName.set(key, s);
      }
      const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
      const ms = typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
      e.ms += ms;
      kernels += ms;
      e.calls++;
      byName.set(k.name, e);
    }
  }
  const rows = [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms);
  const calls = rows.reduce((s, [, e]) => s + e.calls, 0) / steps;
  console.log(
    `profiled step ${(wall / steps).toFixed(1)} ms, kernels ${(kernels / steps).toFixed(1)} ms in ${calls} calls, ` +
      `outside kernels ${((wall - kernels) / steps).toFixed(1)} ms`,
  );
  console.log('| kernel | ms/step | % of kernel time | calls/step |\n| --- | ---: | ---: | ---: |');
  for (const [n, e] of rows.slice(0, 25)) {
    const pct = ((100 * e.ms) / kernels).toFixed(1);
    console.log(`| ${n} | ${(e.ms / steps).toFixed(2)} | ${pct} | ${e.calls / steps} |`);
  }
}

/**
 * Times `steps` training steps of row `name` after one warm-up; prints the JSON line. With
 * `profile`, prints the per-kernel breakdown of `steps` steps under `tf.profile` instead.
 */
export async function runOurs(name: string, steps: number, profile = false): Promise<void> {
  const row = ROWS.find((r) => r.name === name);
  if (!row) throw new Error(`unknown row ${name}`);
  await initBackend();
  const m = row.model;
  const base = variantConfig('vit-s', { ...m });
  const b = row.batch;
  const clip = tf.randomUniform([b, m.frames, m.height, m.width, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
  const opt = new AdamW({ beta1: 0.9, beta2: 0.95, weightDecay: 0.05 });
  let vars: Record<string, tf.Variable>;
  let loss: () => tf.Scalar;
  let dispose: () => void;
  if (row.kind === 'mae') {
    const mae = VideoMAE.create({
      ...base,
      decoderDim: m.decoderDim,
      decoderDepth: m.decoderDepth,
      decoderHeads: m.decoderHeads,
    });
    const masks = drawMaskBatch(
      { kind: 'random', ratio: row.ratio },
      { kind: 'none' },
      tokenGrid(base),
      b,
      new Rng('vs'),
    );
    vars = mae.trainableVariables();
    loss = () => mae.forward(clip, masks.hidden).loss;
    dispose = () => mae.dispose();
  } else {
    const vit = VideoViT.create({ ...base, classes: 150 });
    const labels = Array.from({ length: b }, (_, i) => i % 150);
    vars = vit.trainableVariables();
    loss = () => crossEntropy(vit.forward(clip).logits, labels);
    dispose = () => vit.dispose();
  }
  const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
  const step = async () => {
    const { value, grads } = tf.variableGrads(loss, Object.values(vars));
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[names.get(k) ?? k] = g;
    opt.apply(vars, named, 1e-4);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  await step();
  if (profile) {
    await profileStep(step, steps);
    dispose();
    opt.dispose();
    clip.dispose();
    return;
  }
  const times: number[] = [];
  const cpu: number[] = [];
  const sys: number[] = [];
  const faults: number[] = [];
  for (let i = 0; i < steps; i++) {
    const c0 = process.cpuUsage();
    const f0 = process.resourceUsage().minorPageFault;
    const t0 = performance.now();
    await step();
    times.push((performance.now() - t0) / 1000);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1e6);
    sys.push(c.system / 1e6);
    faults.push(process.resourceUsage().minorPageFault - f0);
  }
  const label = formatBackend(describeBackend());
  const p = poolStats();
  const pool = {
    pooledMiB: Math.round(p.pooledBytes / 2 ** 20),
    limitMiB: Math.round(p.limitBytes / 2 ** 20),
    reused: p.reused,
    allocated: p.allocated,
    dropped: p.dropped,
  };
  dispose();
  opt.dispose();
  clip.dispose();
  console.log(
    JSON.stringify({
      steps: times,
      cpuSeconds: cpu,
      sysSeconds: sys,
      minorFaults: faults,
      peakMiB: peakMiB(),
      label,
      pool,
    }),
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await runOurs(process.argv[2], Number(process.argv[3] ?? 3), process.argv.includes('--profile'));
}
