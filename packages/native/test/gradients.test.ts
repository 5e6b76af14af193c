// Gradients through the native kernels (the backward matmuls are transposed / batched matmuls,
// so they run natively too) against central finite differences of the same loss computed on the
// independent cpu backend.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateNativeMatMul,
  deactivateNativeMatMul,
  loadNativeAddon,
  nativeMatMulStats,
  resetNativeMatMulStats,
} from '../src/index.js';
import { randomArray, seeded, useCpu, useWasm } from './helpers.js';

const load = loadNativeAddon();
const skipReason = load.available ? '' : ` (SKIPPED: ${load.reason})`;

const B = 3;
const N = 5;
const D = 8;
const H = 12;
const SHAPES: Record<string, number[]> = { w1: [D, H], b1: [H], wq: [H, H], wk: [H, H], wv: [H, H], w2: [H, D] };

type Params = Record<string, Float32Array>;

/** A tiny attention block: dense (fused bias), q/k/v, softmax(q k^T) v, dense, tanh, weighted sum. */
function loss(p: Record<string, tf.Tensor>, x: tf.Tensor, r: tf.Tensor): tf.Scalar {
  const h = tf.fused.matMul({ a: tf.reshape(x, [B * N, D]), b: p.w1, bias: p.b1 }); // [B*N, H]
  // (tfjs' BatchMatMul gradient does not reduce broadcast batch dims: dense layers stay 2-D.)
  const q = tf.reshape(tf.matMul(h, p.wq), [B, N, H]); // [B, N, H]
  const k = tf.reshape(tf.matMul(h, p.wk), [B, N, H]); // [B, N, H]
  const v = tf.reshape(tf.matMul(h, p.wv), [B, N, H]); // [B, N, H]
  const att = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(H))); // [B, N, N]
  const o = tf.reshape(tf.matMul(att, v), [B * N, H]); // [B*N, H]
  const y = tf.reshape(tf.tanh(tf.matMul(o, p.w2, false, false)), [B, N, D]); // [B, N, D]
  return tf.sum(tf.mul(y, r));
}

function tensors(p: Params): Record<string, tf.Tensor> {
  return Object.fromEntries(Object.entries(p).map(([k, v]) => [k, tf.tensor(v, SHAPES[k])]));
}

describe.skipIf(!load.available)(`gradients through the native kernels${skipReason}`, () => {
  beforeAll(async () => {
    await useWasm();
    await activateNativeMatMul({ threads: 2 });
  });
  afterAll(() => deactivateNativeMatMul());

  it('match central finite differences computed on the cpu backend', async () => {
    const rand = seeded(7);
    const params: Params = Object.fromEntries(
      Object.entries(SHAPES).map(([k, s]) => [k, randomArray(rand, s).map((v) => v * 0.6)]),
    );
    const xData = randomArray(rand, [B, N, D]);
    const rData = randomArray(rand, [B, N, D]);

    await useWasm();
    resetNativeMatMulStats();
    const names = Object.keys(SHAPES);
    const grads = tf.tidy(() => {
      const x = tf.tensor(xData, [B, N, D]);
      const r = tf.tensor(rData, [B, N, D]);
      const ps = tensors(params);
      const g = tf.grads((...args: tf.Tensor[]) => loss(Object.fromEntries(names.map((n, i) => [n, args[i]])), x, r))(
        names.map((n) => ps[n]),
      );
      return g.map((t) => t.dataSync().slice() as Float32Array);
    });
    const stats = nativeMatMulStats();
    // Forward (1 fused + 6 plain) and backward (2 per matmul) matmuls all ran natively.
    expect(stats.fallthrough).toBe(0);
    expect(stats.native).toBeGreaterThanOrEqual(7 + 14);

    await useCpu();
    const evalLoss = (p: Params): number =>
      tf.tidy(() => loss(tensors(p), tf.tensor(xData, [B, N, D]), tf.tensor(rData, [B, N, D])).dataSync()[0]);
    const eps = 1e-2;
    const mismatches: string[] = [];
    names.forEach((name, pi) => {
      const g = grads[pi];
      const scale = Math.max(...Array.from(g, Math.abs));
      for (let t = 0; t < 6; t++) {
        const i = Math.floor(rand() * g.length);
        const plus = { ...params, [name]: params[name].slice() };
        const minus = { ...params, [name]: params[name].slice() };
        plus[name][i] += eps;
        minus[name][i] -= eps;
        const fd = (evalLoss(plus) - evalLoss(minus)) / (2 * eps);
        if (Math.abs(fd - g[i]) > 1e-2 * scale + 1e-3)
          mismatches.push(`${name}[${i}]: grad ${g[i]} vs finite difference ${fd}`);
      }
    });
    await useWasm();
    expect(mismatches).toEqual([]);
  });
});
