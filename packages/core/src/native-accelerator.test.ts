// initBackend wires @ppma/native into wasm: `wasm+blas (OpenBLAS …)` when the addon is built,
// `wasm` when it is absent or PPMA_NATIVE=0.
import * as tf from '@tensorflow/tfjs-core';
import { loadNativeAddon, nativeStatus } from '@ppma/native';
import { afterAll, describe, expect, it } from 'vitest';
import { formatBackend, initBackend } from './backend.js';

const native = loadNativeAddon();

describe('native matmul accelerator on wasm', () => {
  afterAll(() => {
    delete process.env.PPMA_NATIVE;
  });

  it(`reports ${native.available ? 'wasm+blas' : `wasm (addon absent: ${native.available ? '' : native.reason})`}`, async () => {
    const info = await initBackend({ backend: 'wasm', threads: 2 });
    if (native.available) {
      expect(info.accelerator).toMatch(/^OpenBLAS \d+\.\d+\.\d+, 2 threads$/);
      expect(formatBackend(info)).toMatch(/^wasm\+blas \(OpenBLAS \d+\.\d+\.\d+, 2 threads/);
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
