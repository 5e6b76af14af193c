import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadNativeAddon } from '@ppma/native';
import { initBackend } from '../backend.js';
import { fusedKernel } from '../fused-kernels.js';
import { AdamW } from './adamw.js';
import { Sgd } from './sgd.js';
import { clipGradNorm } from './clip-grad-norm.js';
import { cosineSchedule } from './schedule.js';

beforeAll(async () => {
  await initBackend({ backend: 'wasm' });
});

/** PyTorch's AdamW algorithm (torch.optim.AdamW docs), in float64 plain JavaScript. */
function referenceAdamW(
  p: number[],
  grads: number[][],
  lr: number,
  b1: number,
  b2: number,
  eps: number,
  wd: number,
): number[] {
  const m = p.map(() => 0);
  const v = p.map(() => 0);
  const x = [...p];
  grads.forEach((g, t0) => {
    const t = t0 + 1;
    for (let i = 0; i < x.length; i++) {
      x[i] = x[i] - lr * wd * x[i];
      m[i] = b1 * m[i] + (1 - b1) * g[i];
      v[i] = b2 * v[i] + (1 - b2) * g[i] * g[i];
      const mh = m[i] / (1 - b1 ** t);
      const vh = v[i] / (1 - b2 ** t);
      x[i] = x[i] - (lr * mh) / (Math.sqrt(vh) + eps);
    }
  });
  return x;
}

const native = loadNativeAddon();
if (!native.available) console.warn(`AdamW on the native backend skipped: ${native.reason}`);

// AdamW on wasm (per-parameter tfjs ops) and on native (one fused kernel over all parameters).
describe.each([
  ['wasm', ''],
  ['native', native.available ? '' : ` (SKIPPED: ${native.reason})`],
] as const)('AdamW on %s%s', (backend, skipped) => {
  beforeAll(async () => {
    if (!skipped) await initBackend({ backend });
  });
  afterAll(async () => {
    await initBackend({ backend: 'wasm' });
  });

  it.skipIf(skipped !== '')('uses the fused kernel exactly on native', () => {
    expect(fusedKernel('adamW')).toBe(backend === 'native');
  });

  it.skipIf(skipped !== '')('matches the reference algorithm over three steps, with decoupled decay', () => {
    const p0 = [1, -0.5, 2, 0.25];
    const grads = [
      [0.5, -1, 0.1, 0],
      [0.4, 0.3, -0.2, 1e-3],
      [-0.1, 0.2, 0.3, -2],
    ];
    const w = tf.variable(tf.tensor2d(p0, [2, 2]));
    const opt = new AdamW({ beta1: 0.9, beta2: 0.95, eps: 1e-8, weightDecay: 0.05 });
    for (const g of grads) {
      const gt = tf.tensor2d(g, [2, 2]);
      opt.apply({ 'blocks.0.mlp.fc1.weight': w }, { 'blocks.0.mlp.fc1.weight': gt }, 0.1);
      gt.dispose();
    }
    const ref = referenceAdamW(p0, grads, 0.1, 0.9, 0.95, 1e-8, 0.05);
    const got = Array.from(w.dataSync());
    got.forEach((v, i) => expect(v).toBeCloseTo(ref[i], 6));
    // Hand-computed first step for element 0: 1·(1 − 0.1·0.05) − 0.1·0.5/0.5 = 0.895.
    const w1 = tf.variable(tf.tensor2d([1], [1, 1]));
    new AdamW({ weightDecay: 0.05 }).apply({ a: w1 }, { a: tf.tensor2d([0.5], [1, 1]) }, 0.1);
    expect(w1.dataSync()[0]).toBeCloseTo(0.895, 6);
    opt.dispose();
  });

  it.skipIf(skipped !== '')('does not decay biases and 1-D parameters by default', () => {
    const b = tf.variable(tf.tensor1d([1, 1]));
    const opt = new AdamW({ weightDecay: 0.5 });
    opt.apply({ 'head.bias': b }, { 'head.bias': tf.tensor1d([0, 0]) }, 0.1);
    // zero gradient and no decay: unchanged
    expect(Array.from(b.dataSync())).toEqual([1, 1]);
    const w = tf.variable(tf.tensor2d([1, 1], [1, 2]));
    opt.apply({ 'head.weight': w }, { 'head.weight': tf.tensor2d([0, 0], [1, 2]) }, 0.1);
    expect(w.dataSync()[0]).toBeCloseTo(0.95, 6);
  });

  it.skipIf(skipped !== '')('keeps tensor counts flat over 50 steps of several parameters', () => {
    const vars = { 'a.weight': tf.variable(tf.ones([3, 5])), 'a.bias': tf.variable(tf.zeros([5])) };
    const opt = new AdamW();
    const step = () => {
      const grads = { 'a.weight': tf.fill([3, 5], 0.1), 'a.bias': tf.fill([5], -0.2) };
      opt.apply(vars, grads, 1e-3);
      Object.values(grads).forEach((g) => g.dispose());
    };
    step();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 50; i++) step();
    expect(tf.memory().numTensors).toBe(before);
    opt.dispose();
    Object.values(vars).forEach((v) => v.dispose());
  });

  it.skipIf(skipped !== '')('round-trips its state', async () => {
    const w = tf.variable(tf.tensor2d([1, 2], [1, 2]));
    const a = new AdamW();
    a.apply({ w }, { w: tf.tensor2d([0.3, -0.3], [1, 2]) }, 0.01);
    const state = await a.getState();
    const b = new AdamW();
    b.setState(state);
    const w2 = tf.variable(w.clone());
    a.apply({ w }, { w: tf.tensor2d([0.1, 0.2], [1, 2]) }, 0.01);
    b.apply({ w: w2 }, { w: tf.tensor2d([0.1, 0.2], [1, 2]) }, 0.01);
    expect(Array.from(w2.dataSync())).toEqual(Array.from(w.dataSync()));
  });
});

describe('Sgd', () => {
  it('matches the closed form of momentum 0.9 on a constant gradient', () => {
    const p = tf.variable(tf.scalar(1));
    const opt = new Sgd({ momentum: 0.9 });
    const vals: number[] = [];
    for (let i = 0; i < 3; i++) {
      opt.apply({ p }, { p: tf.scalar(1) }, 0.1);
      vals.push(p.dataSync()[0]);
    }
    // buf = 1, 1.9, 2.71  ->  p = 0.9, 0.71, 0.439
    expect(vals[0]).toBeCloseTo(0.9, 6);
    expect(vals[1]).toBeCloseTo(0.71, 6);
    expect(vals[2]).toBeCloseTo(0.439, 6);
  });

  it('applies coupled weight decay and Nesterov momentum', () => {
    const p = tf.variable(tf.scalar(2));
    new Sgd({ momentum: 0.5, nesterov: true, weightDecay: 0.1 }).apply({ p }, { p: tf.scalar(1) }, 0.1);
    // g = 1 + 0.1·2 = 1.2; buf = 1.2; d = g + 0.5·buf = 1.8; p = 2 − 0.18
    expect(p.dataSync()[0]).toBeCloseTo(1.82, 6);
  });
});

describe('clipGradNorm', () => {
  it('scales to the max norm when above it and leaves small gradients alone', () => {
    const g = { a: tf.tensor1d([3, 0]), b: tf.tensor1d([0, 4]) };
    const { grads, norm } = clipGradNorm(g, 1);
    expect(norm).toBeCloseTo(5, 5);
    expect(grads.a.dataSync()[0]).toBeCloseTo(0.6, 5);
    expect(grads.b.dataSync()[1]).toBeCloseTo(0.8, 5);
    const small = clipGradNorm(g, 10);
    expect(Array.from(small.grads.b.dataSync())).toEqual([0, 4]);
  });
});

describe('cosineSchedule', () => {
  it('warms up linearly from warmupStart and decays to final', () => {
    const s = cosineSchedule({ peak: 1e-3, warmupSteps: 10, totalSteps: 110, warmupStart: 5e-7, final: 1e-6 });
    expect(s(0)).toBeCloseTo(5e-7, 12);
    expect(s(5)).toBeCloseTo(5e-7 + (1e-3 - 5e-7) / 2, 12);
    expect(s(10)).toBeCloseTo(1e-3, 12);
    expect(s(60)).toBeCloseTo(1e-6 + (1e-3 - 1e-6) / 2, 12); // half-way through the cosine
    expect(s(110)).toBeCloseTo(1e-6, 12);
    for (let i = 11; i < 110; i++) expect(s(i)).toBeLessThanOrEqual(s(i - 1));
  });
});
