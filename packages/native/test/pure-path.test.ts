// The pure-wasm path, forced with PPMA_NATIVE=0: nothing is registered, the wasm kernels run.
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { activateNativeMatMul, loadNativeAddon, nativeMatMulStats, nativeStatus } from '../src/index.js';
import { useWasm } from './helpers.js';

describe('PPMA_NATIVE=0 forces the pure-wasm path', () => {
  let original: tf.KernelFunc | undefined;
  beforeAll(async () => {
    process.env.PPMA_NATIVE = '0';
    await useWasm();
    original = tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc;
  });

  it('does not load the addon or replace the kernels', async () => {
    expect(loadNativeAddon()).toEqual({ available: false, reason: 'disabled by PPMA_NATIVE=0' });
    expect(await activateNativeMatMul({ threads: 2 })).toBeNull();
    expect(nativeStatus()).toEqual({ active: false, reason: 'disabled by PPMA_NATIVE=0' });
    expect(tf.getKernel('BatchMatMul', 'wasm')?.kernelFunc).toBe(original);
  });

  it('matmuls still work, on the wasm kernels', () => {
    const y = tf.tidy(() =>
      tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([5, 6, 7, 8], [2, 2]), false, true).arraySync(),
    );
    expect(y).toEqual([
      [17, 23],
      [39, 53],
    ]);
    expect(nativeMatMulStats().native).toBe(0);
  });
});
