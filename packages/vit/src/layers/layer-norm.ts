/**
 * LayerNorm over the last axis of rank-2 activations (Ba et al. 2016), with a hand-written
 * gradient: tfjs's autodiff of mean/variance emits many small broadcast ops, and the closed form
 * below is both fewer ops and the formula PyTorch uses.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asGradFunc } from './custom-grad.js';
import { fusedKernel } from '@ppma/core';
import { columnSum } from './matmul-2d.js';
import { layerNormFused } from './fused-ops.js';

function makeLayerNorm(eps: number) {
  return tf.customGrad(
    asGradFunc((x: tf.Tensor, g: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
      const mean = tf.mean(x, -1, true); // [M, 1]
      const xc = tf.sub(x, mean); // [M, D]
      const variance = tf.mean(tf.square(xc), -1, true); // [M, 1], biased as in PyTorch
      const rstd = tf.rsqrt(tf.add(variance, eps)); // [M, 1]
      const xhat = tf.mul(xc, rstd); // [M, D]
      save([xhat, rstd, g]);
      const value = tf.add(tf.mul(xhat, g), b); // [M, D]
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sx, sr, sg] = saved;
          const dxhat = tf.mul(dy, sg); // [M, D]
          const m1 = tf.mean(dxhat, -1, true); // [M, 1]
          const m2 = tf.mean(tf.mul(dxhat, sx), -1, true); // [M, 1]
          const dx = tf.mul(sr, tf.sub(tf.sub(dxhat, m1), tf.mul(sx, m2))); // [M, D]
          const dg = columnSum(tf.mul(dy, sx)); // [D]
          const db = columnSum(dy); // [D]
          return [dx, dg, db];
        },
      };
    }),
  );
}

const cache = new Map<number, ReturnType<typeof makeLayerNorm>>();

/** LayerNorm of `x: [M, D]` with affine `g, b: [D]` (one fused kernel per pass where the backend has it). */
export function layerNorm(x: tf.Tensor2D, g: tf.Tensor1D, b: tf.Tensor1D, eps: number): tf.Tensor2D {
  if (fusedKernel('layerNorm')) return layerNormFused(x, g, b, eps);
  let op = cache.get(eps);
  if (!op) {
    op = makeLayerNorm(eps);
    cache.set(eps, op);
  }
  return op(x, g, b) as tf.Tensor2D;
}
