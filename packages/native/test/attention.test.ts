// The fused attention of the `native` backend (`fusedAttention`, kernels PpmaAttention and
// PpmaAttentionGrad) against plain tfjs ops on the cpu backend (forward and gradient), against
// central finite differences, on odd shapes and 1 and 2 threads; tensors and native bytes flat.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fusedAttention, hasFusedAttention, loadNativeAddon, registerNativeBackend } from '../src/index.js';
import { randomArray, relError, seeded, useCpu } from './helpers.js';

const load = loadNativeAddon();
const skip = load.available ? '' : ` (SKIPPED: ${load.reason})`;

/** The reference: heads split as [B, N, 3, h, dh], softmax(q k^T / sqrt(dh)) v, heads merged. */
function reference(qkv: tf.Tensor2D, batch: number, heads: number): tf.Tensor2D {
  const [m, d3] = qkv.shape;
  const n = m / batch;
  const dh = d3 / 3 / heads;
  const x = tf.transpose(tf.reshape(qkv, [batch, n, 3, heads, dh]), [2, 0, 3, 1, 4]); // [3, B, h, N, dh]
  const [q, k, v] = tf.unstack(x) as tf.Tensor4D[];
  const p = tf.softmax(tf.mul(tf.matMul(q, k, false, true), 1 / Math.sqrt(dh)));
  const o = tf.matMul(p, v); // [B, h, N, dh]
  return tf.reshape(tf.transpose(o, [0, 2, 1, 3]), [m, d3 / 3]);
}

const rand = seeded(31);

/** Loss `sum(f(qkv) * w)` and its gradient with respect to qkv. */
function lossAndGrad(
  f: (x: tf.Tensor2D) => tf.Tensor2D,
  qkv: Float32Array,
  shape: [number, number],
  w: Float32Array,
): { out: Float32Array; grad: Float32Array } {
  return tf.tidy(() => {
    const x = tf.tensor2d(qkv, shape);
    const wt = tf.tensor2d(w, [shape[0], shape[1] / 3]);
    const out = f(x).dataSync() as Float32Array;
    const grad = tf
      .grad((y: tf.Tensor) => tf.sum(tf.mul(f(y as tf.Tensor2D), wt)))(x)
      .dataSync() as Float32Array;
    return { out: Float32Array.from(out), grad: Float32Array.from(grad) };
  });
}

describe(`native fused attention${skip}`, () => {
  beforeAll(async () => {
    if (load.available) registerNativeBackend({ threads: 2 });
    await useCpu();
  });
  afterAll(async () => {
    if (load.available) registerNativeBackend({ threads: 2 });
    await useCpu();
  });

  const cases: [number, number, number, number][] = [
    // batch, tokens, heads, headDim
    [1, 7, 1, 5],
    [3, 13, 2, 8],
    [2, 50, 3, 16],
    [4, 16, 4, 16],
    // more query rows than one block of the kernel (64 forward, 256 backward) and ragged last blocks
    [2, 147, 3, 16],
    [1, 300, 2, 8],
  ];
  for (const threads of [1, 2]) {
    it.skipIf(!load.available)(`forward and gradient equal plain ops on cpu, ${threads} thread(s)`, async () => {
      registerNativeBackend({ threads });
      for (const [batch, n, heads, dh] of cases) {
        const shape: [number, number] = [batch * n, 3 * heads * dh];
        const qkv = randomArray(rand, shape).map((v) => v * 2);
        const w = randomArray(rand, [batch * n, heads * dh]);
        await useCpu();
        expect(hasFusedAttention()).toBe(false);
        const ref = lossAndGrad((x) => reference(x, batch, heads), qkv, shape, w);
        await tf.setBackend('native');
        expect(hasFusedAttention()).toBe(true);
        const got = lossAndGrad((x) => fusedAttention(x, batch, heads), qkv, shape, w);
        const what = `B${batch} N${n} h${heads} dh${dh}`;
        expect(relError(got.out, ref.out), `${what} forward`).toBeLessThan(1e-5);
        expect(relError(got.grad, ref.grad), `${what} gradient`).toBeLessThan(1e-4);
      }
    });
  }

  it.skipIf(!load.available)('gradient matches central finite differences', async () => {
    await tf.setBackend('native');
    const [batch, n, heads, dh] = [2, 5, 2, 3];
    const shape: [number, number] = [batch * n, 3 * heads * dh];
    const qkv = randomArray(rand, shape);
    const w = randomArray(rand, [batch * n, heads * dh]);
    const { grad } = lossAndGrad((x) => fusedAttention(x, batch, heads), qkv, shape, w);
    const loss = (x: Float32Array): number =>
      tf.tidy(() => {
        const y = fusedAttention(tf.tensor2d(x, shape), batch, heads);
        return Number(tf.sum(tf.mul(y, tf.tensor2d(w, [batch * n, heads * dh]))).dataSync()[0]);
      });
    const h = 1e-2;
    let worst = 0;
    for (let i = 0; i < qkv.length; i += 3) {
      const up = Float32Array.from(qkv);
      const down = Float32Array.from(qkv);
      up[i] += h;
      down[i] -= h;
      const fd = (loss(up) - loss(down)) / (2 * h);
      worst = Math.max(worst, Math.abs(fd - grad[i]));
    }
    expect(worst).toBeLessThan(2e-3);
  });

  it.skipIf(!load.available)('no tensors or bytes left behind over training steps', async () => {
    await tf.setBackend('native');
    const [batch, n, heads, dh] = [2, 9, 2, 4];
    const x = tf.variable(tf.tensor2d(randomArray(rand, [batch * n, 3 * heads * dh]), [batch * n, 3 * heads * dh]));
    const step = () =>
      tf.tidy(() => {
        const g = tf.grad((y: tf.Tensor) => tf.sum(tf.square(fusedAttention(y as tf.Tensor2D, batch, heads))))(x);
        x.assign(tf.sub(x, tf.mul(g, 0.01)));
      });
    step();
    const before = tf.memory();
    for (let i = 0; i < 10; i++) step();
    const after = tf.memory();
    expect(after.numTensors).toBe(before.numTensors);
    expect(after.numBytes).toBe(before.numBytes);
    x.dispose();
  });

  it.skipIf(!load.available)('a qkv that does not split into heads is refused naming the shape', async () => {
    await tf.setBackend('native');
    const x = tf.zeros([6, 10]) as tf.Tensor2D;
    expect(() => fusedAttention(x, 2, 3)).toThrow(
      /PpmaAttention needs float32 qkv .*\[6, 10\] with batch 2 and heads 3/,
    );
    x.dispose();
  });
});
