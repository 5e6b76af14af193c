/**
 * Picks how attention products run (see layers/attention.ts): `split` rank-2 products on plain
 * tfjs-wasm, whose batched matmul is a scalar loop; `batched` elsewhere, or when a native
 * accelerator (e.g. the OpenBLAS BatchMatMul extension) is wired in. `PPMA_ATTENTION` forces one.
 */
import * as tf from '@tensorflow/tfjs-core';
import { describeBackend } from '@ppma/core';

/** How the attention products are computed (see layers/attention.ts). */
export type AttentionMode = 'batched' | 'split';

/** Below this many forward FLOPs per head (2 products), `split` loses to its own op overhead. */
const SPLIT_MIN_FLOPS = 2e6;

/**
 * Resolves `auto` to the faster mode for the active backend. Given the per-head problem size
 * (`tokens`, `headDim`), plain wasm also takes `batched` when the products are so small that the
 * per-slice op overhead of `split` (~10 kernels per head and pass) would outweigh the scalar loop.
 */
export function resolveAttentionMode(
  mode: AttentionMode | 'auto' = 'auto',
  size?: { tokens: number; headDim: number },
): AttentionMode {
  if (mode !== 'auto') return mode;
  const env = process.env.PPMA_ATTENTION;
  if (env === 'batched' || env === 'split') return env;
  if (tf.getBackend() !== 'wasm') return 'batched';
  if (size && 4 * size.tokens * size.tokens * size.headDim < SPLIT_MIN_FLOPS) return 'batched';
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
  const env = process.env.PPMA_ATTENTION;
  if (env === 'batched' || env === 'split') return env === 'batched';
  if (tf.getBackend() !== 'wasm') return true;
  try {
    return describeBackend().accelerator !== null;
  } catch {
    return false;
  }
}
