/**
 * Stochastic depth (Huang et al. 2016), "drop path" in timm: in training, each sample's residual
 * branch is dropped with probability `rate` and the kept ones are scaled by `1 / (1 - rate)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { Rng } from '@ppma/core';
import { asGradFunc } from './custom-grad.js';
import { reshape } from './tape-ops.js';

/** `x * c` for a constant `c` (broadcast), saving nothing but `c`. */
function mulConstant(x: tf.Tensor, c: tf.Tensor): tf.Tensor {
  const op = tf.customGrad(
    asGradFunc((xi: tf.Tensor, save: tf.GradSaveFunc) => {
      save([c]);
      return { value: tf.mul(xi, c), gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(dy, saved[0])] };
    }),
  );
  return op(x);
}

/** Applies drop path to a branch `[B*N, D]` of `batch` samples; identity when `rate` is 0. */
export function dropPath(branch: tf.Tensor2D, batch: number, rate: number, rng: Rng | undefined): tf.Tensor2D {
  if (rate <= 0 || !rng) return branch;
  const keep = 1 - rate;
  const scale = new Float32Array(batch);
  for (let i = 0; i < batch; i++) scale[i] = rng.bernoulli(keep) ? 1 / keep : 0;
  const [m, d] = branch.shape;
  const x = reshape(branch, [batch, m / batch, d]); // [B, N, D]
  return reshape<tf.Rank.R2>(mulConstant(x, tf.tensor3d(scale, [batch, 1, 1])), [m, d]); // [B*N, D]
}
