/**
 * Where a ViT training step spends its time (issue 10): runs one MAE or supervised step under
 * `tf.profile` and prints the top kernels by total time, with the native matmul call counts.
 *
 *   npm run bench -- matmul-profile [--model vit-s] [--size 16x224] [--kind sup|mae] [--batch N] [--top 10]
 *   PPMA_NATIVE=0 npm run bench -- matmul-profile ...   # the pure-wasm path
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import { AdamW, Rng, describeBackend, formatBackend, initBackend } from '@ppma/core';
import { nativeMatMulStats, resetNativeMatMulStats } from '@ppma/native';
import { VideoViT, crossEntropy, tokenCount, variantConfig } from '@ppma/vit';
import { VideoMAE, drawMaskBatch, tokenGrid } from '@ppma/mae';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 ? process.argv[i + 1] : undefined;
}
const model = arg('model') ?? 'vit-s';
const [frames, side] = (arg('size') ?? '16x224').split('x').map(Number);
const kind = (arg('kind') ?? 'sup') as 'sup' | 'mae';
const top = Number(arg('top') ?? 10);

async function main(): Promise<void> {
  await initBackend();
  const base = variantConfig(model, { frames, height: side, width: side, tubelet: 2, patch: 16 });
  const batch = Number(arg('batch') ?? (kind === 'mae' ? (frames >= 16 ? 2 : 4) : frames >= 16 ? 1 : 2));
  const clip = tf.randomUniform([batch, frames, side, side, 3], 0, 1, 'float32', 1) as tf.Tensor5D;
  const opt = new AdamW({ beta1: 0.9, beta2: 0.95, weightDecay: 0.05 });
  let step: () => Promise<void>;
  let dispose: () => void;
  const train = (vars: Record<string, tf.Variable>, lossFn: () => tf.Scalar) => async () => {
    const names = new Map(Object.entries(vars).map(([k, v]) => [v.name, k]));
    const { value, grads } = tf.variableGrads(lossFn, Object.values(vars));
    const named: Record<string, tf.Tensor> = {};
    for (const [k, g] of Object.entries(grads)) named[names.get(k) ?? k] = g;
    opt.apply(vars, named, 1e-4);
    await value.data();
    tf.dispose([value, ...Object.values(grads)]);
  };
  if (kind === 'mae') {
    const mae = VideoMAE.create({ ...base, decoderDim: 384, decoderDepth: 4, decoderHeads: 6 });
    const masks = drawMaskBatch(
      { kind: 'random', ratio: 0.9 },
      { kind: 'none' },
      tokenGrid(base),
      batch,
      new Rng('bench'),
    );
    step = train(mae.trainableVariables(), () => mae.forward(clip, masks.hidden).loss);
    dispose = () => mae.dispose();
  } else {
    const vit = VideoViT.create({ ...base, classes: 150 });
    const labels = Array.from({ length: batch }, (_, i) => i % 150);
    step = train(vit.trainableVariables(), () => crossEntropy(vit.forward(clip).logits, labels));
    dispose = () => vit.dispose();
  }
  await step(); // warm-up
  resetNativeMatMulStats();
  const t0 = performance.now();
  const prof = await tf.profile(step);
  const wall = (performance.now() - t0) / 1000;
  const byName = new Map<string, { ms: number; calls: number }>();
  for (const k of prof.kernels) {
    // customGrad records an "unnamed scope" whose time includes the kernels inside it: skip it.
    if (k.name.includes('scope')) continue;
    const e = byName.get(k.name) ?? { ms: 0, calls: 0 };
    e.ms += typeof k.kernelTimeMs === 'number' ? k.kernelTimeMs : 0;
    e.calls++;
    byName.set(k.name, e);
  }
  const total = [...byName.values()].reduce((s, e) => s + e.ms, 0);
  const stats = nativeMatMulStats();
  console.log(
    `${model} ${frames}x${side}x${side} ${kind} batch ${batch} (N=${tokenCount(base)}) on ${formatBackend(describeBackend())}; ` +
      `load ${os.loadavg()[0].toFixed(2)}; peak ${(prof.peakBytes / 2 ** 30).toFixed(2)} GiB; step ${wall.toFixed(2)} s under the profiler, kernels ${(total / 1000).toFixed(2)} s; ` +
      `native matmuls ${stats.native}, fell through ${stats.fallthrough} ${JSON.stringify(stats.reasons)}`,
  );
  console.log('| kernel | ms | % of kernel time | calls |');
  console.log('| --- | ---: | ---: | ---: |');
  for (const [name, e] of [...byName.entries()].sort((a, b) => b[1].ms - a[1].ms).slice(0, top)) {
    console.log(`| ${name} | ${e.ms.toFixed(0)} | ${((100 * e.ms) / total).toFixed(1)} | ${e.calls} |`);
  }
  dispose();
  opt.dispose();
  clip.dispose();
}

await main();
