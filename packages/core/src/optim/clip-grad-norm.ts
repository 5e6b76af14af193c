/**
 * Gradient clipping by global norm, as `torch.nn.utils.clip_grad_norm_`: scale every gradient by
 * min(1, maxNorm / (‖g‖₂ + 1e-6)), where ‖g‖₂ is the norm of all gradients concatenated.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { NamedGrads } from './optimizer.js';

/**
 * Returns the clipped gradients (new tensors; the inputs are not disposed) and the global norm
 * before clipping.
 */
export function clipGradNorm(grads: NamedGrads, maxNorm: number): { grads: Record<string, tf.Tensor>; norm: number } {
  const names = Object.keys(grads);
  const normT = tf.tidy(() => tf.sqrt(tf.addN(names.map((n) => tf.sum(tf.square(grads[n]))))));
  const norm = normT.dataSync()[0];
  normT.dispose();
  const scale = Math.min(1, maxNorm / (norm + 1e-6));
  const out: Record<string, tf.Tensor> = {};
  for (const n of names) out[n] = scale < 1 ? tf.mul(grads[n], scale) : tf.clone(grads[n]);
  return { grads: out, norm };
}
