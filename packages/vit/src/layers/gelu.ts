/**
 * Exact GELU, `x * Phi(x) = 0.5 x (1 + erf(x / sqrt 2))` (Hendrycks & Gimpel 2016), as PyTorch's
 * `nn.GELU()` default, with a closed-form gradient `Phi(x) + x phi(x)`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernel } from '@ppma/core';
import { asGradFunc } from './custom-grad.js';
import { geluFused } from './fused-ops.js';

const INV_SQRT2 = Math.SQRT1_2;
const INV_SQRT_2PI = 1 / Math.sqrt(2 * Math.PI);

const geluOp = tf.customGrad(
  asGradFunc((x: tf.Tensor, save: tf.GradSaveFunc) => {
    const cdf = tf.mul(tf.add(tf.erf(tf.mul(x, INV_SQRT2)), 1), 0.5); // Phi(x)
    save([x, cdf]);
    return {
      value: tf.mul(x, cdf),
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sx, sc] = saved;
        const pdf = tf.mul(tf.exp(tf.mul(tf.square(sx), -0.5)), INV_SQRT_2PI); // phi(x)
        return [tf.mul(dy, tf.add(sc, tf.mul(sx, pdf)))];
      },
    };
  }),
);

/** Exact (erf) GELU, elementwise (one fused kernel per pass where the backend has it). */
export function gelu<T extends tf.Tensor>(x: T): T {
  if (fusedKernel('gelu')) return geluFused(x);
  return geluOp(x) as T;
}
