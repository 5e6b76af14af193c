/**
 * Picks how attention products run (see layers/attention.ts): `split` rank-2 products on plain
 * tfjs-wasm, whose batched matmul is a scalar loop; `batched` elsewhere, or when a native
 * accelerator (e.g. the OpenBLAS BatchMatMul extension) is wired in. `PPMA_ATTENTION` forces one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend } from '@ppma/core';
import type { AttentionMode } from './layers/attention.js';

/** Resolves `auto` to the faster mode for the active backend. */
export function resolveAttentionMode(mode: AttentionMode | 'auto' = 'auto'): AttentionMode {
  if (mode !== 'auto') return mode;
  const env = process.env.PPMA_ATTENTION;
  if (env === 'batched' || env === 'split') return env;
  if (tf.getBackend() !== 'wasm') return 'batched';
  let accelerated = false;
  try {
    accelerated = describeBackend().accelerator !== null;
  } catch {
    accelerated = false;
  }
  return accelerated ? 'batched' : 'split';
}

/**
 * Whether transposed and batched matmuls are fast on the active backend (anything but plain
 * tfjs-wasm); when not, our ops transpose rank-2 operands explicitly instead.
 */
export function nativeMatmul(): boolean {
  return resolveAttentionMode('auto') === 'batched';
}
