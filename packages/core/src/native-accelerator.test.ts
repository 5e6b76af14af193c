// initBackend and @ppma/native: the `native` backend first after tfjs-node (`native (OpenBLAS …)`
// or `native (own GEMM …)`), and on wasm `wasm+blas (…)` when the addon is built, `wasm` when it
// is absent or PPMA_NATIVE=0.
import * as tf from '@tensorflow/tfjs-core';
import { FUSED_KERNEL_NAMES, loadNativeAddon, nativeStatus } from '@ppma/native';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBackend, initBackend } from './backend.js';
import { FUSED_KERNELS, fusedKernel } from './fused-kernels.js';

const native = loadNativeAddon();
const GEMM = /^(OpenBLAS \d+\.\d+\.\d+|own GEMM (AVX-512|AVX2|generic))/;
const absent = native.available ? '' : ` (SKIPPED: ${native.reason})`;

describe(`the native backend${absent}`, () => {
  afterAll(async () => {
    delete process.env.PPMA_NATIVE;
    await initBackend({ backend: 'wasm' });
  });

  it.skipIf(!native.available)('is picked automatically and reported with its GEMM and threads', async () => {
    const info = await initBackend({ backend: 'auto', threads: 2 });
    expect(info.name).toBe('native');
    expect(tf.getBackend()).toBe('native');
    expect(info.accelerator).toMatch(GEMM);
    expect(formatBackend(info)).toMatch(/^native \((OpenBLAS \d+\.\d+\.\d+|own GEMM [\w-]+), 2 threads\)$/);
    for (const name of Object.keys(FUSED_KERNELS) as (keyof typeof FUSED_KERNELS)[])
      expect(fusedKernel(name)).toBe(true);
    const y = tf.tidy(() => tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.ones([2, 2]), true, false).arraySync());
    expect(y).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });

  it('names the same fused kernels as @ppma/native', () => {
    expect(FUSED_KERNELS).toEqual(FUSED_KERNEL_NAMES);
  });

  it.skipIf(!native.available)('is skipped, with the reason, when PPMA_NATIVE=0', async () => {
    process.env.PPMA_NATIVE = '0';
    const info = await initBackend({ backend: 'auto', threads: 1 });
    expect(info.name).toBe('wasm');
    expect(info.skipped.some((s) => s.startsWith('native: disabled by PPMA_NATIVE=0'))).toBe(true);
    delete process.env.PPMA_NATIVE;
  });
});

describe('native matmul accelerator on wasm', () => {
  afterAll(() => {
    delete process.env.PPMA_NATIVE;
  });

  it(`reports ${native.available ? 'wasm+blas' : `wasm (addon absent: ${native.available ? '' : native.reason})`}`, async () => {
    const info = await initBackend({ backend: 'wasm', threads: 2 });
    if (native.available) {
      expect(info.accelerator).toMatch(GEMM);
      expect(info.accelerator).toMatch(/, 2 threads$/);
      expect(formatBackend(info)).toMatch(/^wasm\+blas \(.*, 2 threads/);
      expect(nativeStatus().active).toBe(true);
    } else {
      expect(info.accelerator).toBeNull();
      expect(formatBackend(info)).toMatch(/^wasm \(/);
    }
    const y = tf.tidy(() =>
      tf.matMul(tf.tensor2d([1, 2, 3, 4], [2, 2]), tf.tensor2d([1, 1, 1, 1], [2, 2]), true, false).arraySync(),
    );
    expect(y).toEqual([
      [4, 4],
      [6, 6],
    ]);
  });

  it('PPMA_NATIVE=0 gives the pure-wasm path', async () => {
    process.env.PPMA_NATIVE = '0';
    const info = await initBackend({ backend: 'wasm', threads: 1 });
    expect(info.accelerator).toBeNull();
    expect(formatBackend(info)).toMatch(/^wasm \(/);
    expect(nativeStatus()).toEqual({ active: false, reason: 'disabled by PPMA_NATIVE=0' });
  });
});
