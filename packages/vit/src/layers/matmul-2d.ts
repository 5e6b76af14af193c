/**
 * Matrix products that stay on the fast path of tfjs-wasm (DESIGN.md §3): only rank-2,
 * untransposed, batch-1 matmuls reach XNNPACK. Autodiff of `tf.matMul` would produce transposed
 * products in the backward pass, so these ops carry their own gradients and transpose the rank-2
 * operands explicitly instead.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asGradFunc } from './custom-grad.js';

/** Explicit rank-2 transpose, `[R, C] -> [C, R]`. */
function t2(x: tf.Tensor): tf.Tensor2D {
  return tf.transpose(x as tf.Tensor2D, [1, 0]);
}

const mm2dOp = tf.customGrad(asGradFunc((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
  save([a, b]);
  const value = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D); // [M, N]
  return {
    value,
    gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
      const [sa, sb] = saved;
      const da = tf.matMul(dy as tf.Tensor2D, t2(sb)); // [M, N] x [N, K] -> [M, K]
      const db = tf.matMul(t2(sa), dy as tf.Tensor2D); // [K, M] x [M, N] -> [K, N]
      return [da, db];
    },
  };
}));

/**
 * `a @ b` for rank-2 `a: [M, K]` and `b: [K, N]`, with a backward pass made of rank-2
 * untransposed matmuls only.
 */
export function matMul2d(a: tf.Tensor2D, b: tf.Tensor2D): tf.Tensor2D {
  return mm2dOp(a, b) as tf.Tensor2D;
}

/**
 * `a @ w` where `a` is a constant (no gradient is wanted for it, e.g. the pixel patches that enter
 * the patch embedding): the backward pass computes only `dw = a^T dy`, saving one full matmul.
 */
export function matMulConstLeft(a: tf.Tensor2D, w: tf.Tensor2D): tf.Tensor2D {
  const op = tf.customGrad(asGradFunc((wIn: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a]); // kept alive for the backward pass even when the caller's tidy ends
    const value = tf.matMul(a, wIn as tf.Tensor2D); // [M, N]
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.matMul(t2(saved[0]), dy as tf.Tensor2D)], // [K, N]
    };
  }));
  return op(w) as tf.Tensor2D;
}

/**
 * A dense layer `x @ w + b` on rank-2 activations. `w` is held `[in, out]` (the transpose of
 * PyTorch's `[out, in]`), so the forward product needs no transpose.
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  const y = matMul2d(x, w); // [M, out]
  return b ? tf.add(y, b) : y;
}
