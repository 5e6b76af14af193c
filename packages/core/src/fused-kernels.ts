/**
 * Names of the fused kernels a backend may provide (docs/ARCHITECTURE.md §3): the `native`
 * backend of `@ppma/native` registers them; layers and optimizers call them through
 * `tf.engine().runKernel` when {@link fusedKernel} says the active backend has them, and use
 * plain tfjs ops otherwise. The names are mirrored in `@ppma/native` (`FUSED_KERNEL_NAMES`), and
 * a test checks that both agree.
 */
import * as tf from '@tensorflow/tfjs-core';

/** The fused kernels, by what they compute. */
export const FUSED_KERNELS = {
  /** `{x}` -> exact GELU `x Phi(x)`. */
  gelu: 'PpmaGelu',
  /** `{x, dy}` -> `dy (Phi(x) + x phi(x))`. */
  geluGrad: 'PpmaGeluGrad',
  /** `{x: [M, D], gamma, beta}`, attr `eps` -> `[y, xhat, rstd: [M, 1]]`. */
  layerNorm: 'PpmaLayerNorm',
  /** `{dy, xhat, rstd, gamma}` -> `[dx, dgamma, dbeta]`. */
  layerNormGrad: 'PpmaLayerNormGrad',
  /** `{p, dp}` -> `p (dp - rowsum(dp p))`, the softmax backward pass. */
  softmaxGrad: 'PpmaSoftmaxGrad',
  /** One AdamW update over all parameters (see `optim/adamw.ts`). */
  adamW: 'PpmaAdamW',
  /**
   * `{qkv: [B*N, 3D]}` (columns q, k, v, each `heads x dh`), attrs `batch, heads` ->
   * `[out: [B*N, D], p: [B*heads, N, N]]`: multi-head `softmax(q k^T / sqrt(dh)) v`, heads merged.
   */
  attention: 'PpmaAttention',
  /** `{dy: [B*N, D], qkv, p}`, attrs `batch, heads` -> `dqkv: [B*N, 3D]`. */
  attentionGrad: 'PpmaAttentionGrad',
} as const;

/** A fused kernel's key. */
export type FusedKernelName = keyof typeof FUSED_KERNELS;

/** Whether the active backend provides fused kernel `name`. */
export function fusedKernel(name: FusedKernelName): boolean {
  return tf.getKernel(FUSED_KERNELS[name], tf.getBackend()) !== undefined;
}
