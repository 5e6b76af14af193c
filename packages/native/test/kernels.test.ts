// Every native kernel case against the tfjs cpu backend, on random shapes: odd sizes, batch
// broadcasting, all four transpose combinations, fused bias and fused activations.
import * as tf from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  activateNativeMatMul,
  deactivateNativeMatMul,
  loadNativeAddon,
  nativeMatMulStats,
  resetNativeMatMulStats,
} from '../src/index.js';
import type { CaseData, MatMulCase } from './helpers.js';
import { caseData, referenceCase, relError, runCase, seeded, useCpu, useWasm } from './helpers.js';

const load = loadNativeAddon();
const skipReason = load.available ? '' : ` (SKIPPED: ${load.reason})`;
if (!load.available) console.warn(`@ppma/native kernel tests skipped: ${load.reason}`);

const TRANSPOSES: Array<[boolean, boolean]> = [
  [false, false],
  [false, true],
  [true, false],
  [true, true],
];

/** Shapes of a and b for batch dims, (M, K, N) and transposes. */
function shapes(
  batchA: number[],
  batchB: number[],
  m: number,
  k: number,
  n: number,
  tA: boolean,
  tB: boolean,
): Pick<MatMulCase, 'a' | 'b'> {
  return { a: [...batchA, ...(tA ? [k, m] : [m, k])], b: [...batchB, ...(tB ? [n, k] : [k, n])] };
}

// [batchA, batchB, M, K, N]
const GEOMETRIES: Array<[number[], number[], number, number, number]> = [
  [[], [], 1, 1, 1],
  [[], [], 7, 5, 3],
  [[], [], 33, 17, 29],
  [[], [], 64, 129, 65],
  [[3], [3], 7, 5, 9], // equal batches
  [[4], [], 6, 5, 7], // b shared: batch folds into M
  [[], [4], 6, 5, 7], // a shared
  [[1], [4], 6, 5, 7],
  [[4], [1], 6, 5, 7],
  [[2, 3], [2, 3], 6, 5, 7], // merged batch dims
  [[2, 1], [1, 3], 6, 5, 7], // cross broadcast
  [[2, 3], [3], 6, 11, 7], // rank mismatch
  [[5, 1, 4], [1, 2, 1], 3, 4, 6],
  [[2, 3, 4], [], 5, 8, 3], // rank-5 a, 2-D b
  [[6], [6], 31, 16, 31], // attention-like: [BH, N, d] x [BH, d, N]
];

const CASES: MatMulCase[] = [];
for (const [bA, bB, m, k, n] of GEOMETRIES) {
  for (const [tA, tB] of TRANSPOSES) CASES.push({ ...shapes(bA, bB, m, k, n, tA, tB), transA: tA, transB: tB });
}
// Fused: the op reshapes to rank 3 itself; bias shapes [N], [1, N], [M, N], [M, 1] and each activation.
const FUSED: MatMulCase[] = [];
const ACTS = ['linear', 'relu', 'relu6', 'leakyrelu', 'sigmoid', 'elu'] as const;
for (const [tA, tB] of TRANSPOSES) {
  for (const act of ACTS)
    FUSED.push({
      ...shapes([], [], 13, 9, 11, tA, tB),
      transA: tA,
      transB: tB,
      bias: [11],
      activation: act,
      alpha: 0.13,
    });
  FUSED.push({ ...shapes([3], [], 5, 7, 9, tA, tB), transA: tA, transB: tB, bias: [1, 9], activation: 'relu' });
  FUSED.push({ ...shapes([3], [3], 5, 7, 9, tA, tB), transA: tA, transB: tB, bias: [5, 9], activation: 'linear' });
  FUSED.push({ ...shapes([2], [], 5, 7, 9, tA, tB), transA: tA, transB: tB, bias: [5, 1], activation: 'elu' });
  FUSED.push({ ...shapes([2, 2], [], 5, 7, 9, tA, tB), transA: tA, transB: tB, activation: 'relu' }); // no bias
  FUSED.push({ ...shapes([4], [], 6, 3, 1, tA, tB), transA: tA, transB: tB, bias: [1], activation: 'sigmoid' });
}

describe.skipIf(!load.available)(`native matmul kernels vs the cpu backend${skipReason}`, () => {
  beforeAll(async () => {
    await useWasm();
    expect(await activateNativeMatMul({ threads: 2 })).not.toBeNull();
  });
  afterAll(() => deactivateNativeMatMul());

  async function check(cases: MatMulCase[], seed: number): Promise<void> {
    const rand = seeded(seed);
    const data: CaseData[] = cases.map((c) => caseData(c, rand));
    await useWasm();
    resetNativeMatMulStats();
    const got = cases.map((c, i) => runCase(c, data[i]));
    const stats = nativeMatMulStats();
    await useCpu();
    const want = cases.map((c, i) => referenceCase(c, data[i]));
    await useWasm();
    const failures: string[] = [];
    cases.forEach((c, i) => {
      const err = relError(got[i].values, want[i].values);
      const sameShape = got[i].shape.join() === want[i].shape.join();
      if (!sameShape || !(err <= 1e-5))
        failures.push(`${JSON.stringify(c)}: shape ${got[i].shape} vs ${want[i].shape}, rel err ${err}`);
    });
    expect(failures).toEqual([]);
    // Every case ran natively: none fell through to the wasm kernel.
    expect(stats.fallthrough).toBe(0);
    expect(stats.native).toBeGreaterThanOrEqual(cases.length);
  }

  it('BatchMatMul: all transposes, odd sizes, broadcast batches, to 1e-5 relative', async () => {
    await check(CASES, 1);
  });

  it('_FusedMatMul: bias shapes and activations linear/relu/relu6/leakyrelu/sigmoid/elu, to 1e-5 relative', async () => {
    await check(FUSED, 2);
  });

  it('large matrices with 1 and 2 BLAS threads', async () => {
    for (const threads of [1, 2]) {
      await activateNativeMatMul({ threads });
      await check([{ ...shapes([2], [], 96, 200, 300, false, true), transA: false, transB: true }], 3 + threads);
    }
  });

  it('falls through to the wasm kernel for prelu, int32 and empty tensors, with correct results', async () => {
    resetNativeMatMulStats();
    const prelu = tf.tidy(() => {
      const a = tf.tensor2d([1, -2, 3, -4, 5, -6], [2, 3]);
      const b = tf.tensor2d([1, 0, 0, 1, 1, 1], [3, 2]);
      return tf.fused
        .matMul({ a, b, activation: 'prelu', preluActivationWeights: tf.tensor1d([0.5, 0.25]) })
        .arraySync();
    });
    // a·b = [[4, 1], [-10, -1]]; prelu with per-column weights [0.5, 0.25].
    expect(prelu).toEqual([
      [4, 1],
      [-5, -0.25],
    ]);
    const empty = tf.tidy(() => tf.matMul(tf.zeros([0, 4]), tf.ones([4, 3])).shape);
    expect(empty).toEqual([0, 3]);
    const stats = nativeMatMulStats();
    expect(stats.native).toBe(0);
    expect(stats.fallthrough).toBe(2);
    expect(Object.keys(stats.reasons).sort()).toEqual(['activation prelu', 'shape']);
  });

  it('allocates no tensors of its own (numTensors flat across calls)', () => {
    const a = tf.randomNormal([4, 16, 8]);
    const b = tf.randomNormal([8, 12]);
    const run = () => tf.tidy(() => tf.sum(tf.matMul(a, b)).dataSync()[0]);
    run();
    const before = tf.memory().numTensors;
    for (let i = 0; i < 5; i++) run();
    expect(tf.memory().numTensors).toBe(before);
    tf.dispose([a, b]);
  });

  it('deactivation restores the original wasm kernels', async () => {
    const native = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    deactivateNativeMatMul();
    const original = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
    expect(original).toBeDefined();
    expect(original).not.toBe(native);
    resetNativeMatMulStats();
    tf.tidy(() => tf.matMul(tf.ones([2, 3]), tf.ones([3, 2])).dataSync());
    expect(nativeMatMulStats().native).toBe(0);
    await activateNativeMatMul({ threads: 2 });
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).not.toBe(original);
  });
});
