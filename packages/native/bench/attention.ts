/**
 * The fused attention of `@ppma/native` against `@ppma/vit`'s attention layer on the `native`
 * backend, side by side in one process (alternating): one forward + backward of a self-attention
 * layer (same linear layers on both sides, `@ppma/vit`'s `linear`), in ms, and the kernel calls of
 * each under `tf.profile`.
 *
 *   node --import tsx --conditions=@ppma/source packages/native/bench/attention.ts [--reps 20]
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
// @ppma/vit's @ppma/core registers tfjs (the cpu backend and every gradient).
import { attention, linear } from '@ppma/vit';
import type { AttentionWeights } from '@ppma/vit';
import { fusedAttention, registerNativeBackend } from '../src/index.js';

const SHAPES: { name: string; batch: number; n: number; d: number; heads: number }[] = [
  { name: 'MAE-tiny encoder', batch: 16, n: 16, d: 64, heads: 4 },
  { name: 'MAE-tiny decoder', batch: 16, n: 64, d: 64, heads: 4 },
  { name: 'ViT-Ti 16x224 MAE encoder', batch: 4, n: 157, d: 192, heads: 3 },
  { name: 'ViT-S 16x224', batch: 1, n: 1568, d: 384, heads: 6 },
];

type Layer = (x: tf.Tensor2D, w: AttentionWeights, batch: number, heads: number) => tf.Tensor2D;
const ours: Layer = (x, w, batch, heads) =>
  linear(fusedAttention(linear(x, w.qkvW, w.qkvB), batch, heads), w.projW, w.projB);
const vit: Layer = (x, w, batch, heads) => attention(x, w, batch, heads, 'batched');

function step(f: Layer, x: tf.Tensor2D, w: AttentionWeights, batch: number, heads: number): void {
  tf.tidy(() => {
    const g = tf.grads((xi: tf.Tensor, qw: tf.Tensor) =>
      tf.sum(tf.square(f(xi as tf.Tensor2D, { ...w, qkvW: qw as tf.Tensor2D }, batch, heads))),
    )([x, w.qkvW]);
    g.forEach((t) => t.dataSync());
  });
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)];
}

const i = process.argv.indexOf('--reps');
const reps = i >= 0 ? Number(process.argv[i + 1]) : 20;
const info = registerNativeBackend();
await tf.setBackend('native');
console.log(
  `attention: ${reps} reps each, native (${info.gemm}, ${info.threads} threads), load ${os.loadavg()[0].toFixed(2)}`,
);
console.log('| layer (forward + backward) | @ppma/vit ms | fused ms | vit / fused | kernel calls vit / fused |');
console.log('| --- | ---: | ---: | ---: | ---: |');
for (const s of SHAPES) {
  const x = tf.randomNormal([s.batch * s.n, s.d], 0, 1, 'float32', 1) as tf.Tensor2D;
  const w: AttentionWeights = {
    qkvW: tf.randomNormal([s.d, 3 * s.d], 0, 0.1, 'float32', 2) as tf.Tensor2D,
    qkvB: tf.zeros([3 * s.d]) as tf.Tensor1D,
    projW: tf.randomNormal([s.d, s.d], 0, 0.1, 'float32', 3) as tf.Tensor2D,
    projB: tf.zeros([s.d]) as tf.Tensor1D,
  };
  const r = s.n > 1000 ? Math.max(2, Math.round(reps / 10)) : reps;
  const t: Record<string, number[]> = { vit: [], fused: [] };
  const layers: [string, Layer][] = [
    ['vit', vit],
    ['fused', ours],
  ];
  for (const [, f] of layers) step(f, x, w, s.batch, s.heads);
  for (let k = 0; k < r; k++) {
    for (const [name, f] of layers) {
      const t0 = performance.now();
      step(f, x, w, s.batch, s.heads);
      t[name].push(performance.now() - t0);
    }
  }
  const calls: number[] = [];
  for (const [, f] of layers) {
    const prof = await tf.profile(() => step(f, x, w, s.batch, s.heads));
    calls.push(prof.kernels.filter((k) => !k.name.includes('scope')).length);
  }
  const a = median(t.vit);
  const b = median(t.fused);
  console.log(`| ${s.name} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)}x | ${calls[0]} / ${calls[1]} |`);
  tf.dispose([x, w.qkvW, w.qkvB, w.projW, w.projB]);
}
console.log(`load at the end ${os.loadavg()[0].toFixed(2)}`);
