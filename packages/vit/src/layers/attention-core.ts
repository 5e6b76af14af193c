/**
 * The attention core `softmax(q k^T * scale) v` as one op with a hand-written backward pass
 * (`ds = p * (dp - rowsum(dp * p))`), so that no N x N matrix is ever transposed or copied onto
 * the gradient tape except the probabilities `p` themselves.
 *
 * - `native`: batched `tf.matMul` with transpose flags, for backends where those are fast
 *   (tfjs-node, or wasm with the native BLAS BatchMatMul kernel);
 * - `xnn`: one rank-2, untransposed product per (sample, head), the only products plain tfjs-wasm
 *   runs through XNNPACK; k enters already transposed (`kT: [dh, N]`) and every explicit
 *   transpose is of an `N x dh` matrix.
 */
import * as tf from '@tensorflow/tfjs-core';
import { fusedKernel } from '@ppma/core';
import { asGradFunc } from './custom-grad.js';
import { softmaxGradFused } from './fused-ops.js';

/** The softmax backward pass `p * (dp - rowsum(dp * p))`, fused where the backend has it. */
function softmaxGrad<T extends tf.Tensor>(p: T, dp: T): T {
  if (fusedKernel('softmaxGrad')) return softmaxGradFused(p, dp);
  return tf.mul(p, tf.sub(dp, tf.sum(tf.mul(dp, p), -1, true))) as T;
}

/** Batched core on `q, k, v: [G, N, dh]` using transpose flags. Returns `[G, N, dh]`. */
export function attentionCoreBatched(q: tf.Tensor3D, k: tf.Tensor3D, v: tf.Tensor3D, scale: number): tf.Tensor3D {
  const op = tf.customGrad(
    asGradFunc((qi: tf.Tensor, ki: tf.Tensor, vi: tf.Tensor, save: tf.GradSaveFunc) => {
      const qs = tf.mul(qi, scale) as tf.Tensor3D; // [G, N, dh]
      const p = tf.softmax(tf.matMul(qs, ki as tf.Tensor3D, false, true)) as tf.Tensor3D; // [G, N, N]
      save([qs, ki, vi, p]);
      return {
        value: tf.matMul(p, vi as tf.Tensor3D), // [G, N, dh]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sq, sk, sv, sp] = saved as tf.Tensor3D[];
          const d = dy as tf.Tensor3D;
          const dp = tf.matMul(d, sv, false, true); // [G, N, N]
          const dv = tf.matMul(sp, d, true, false); // [G, N, dh]
          const ds = softmaxGrad(sp, dp); // [G, N, N]
          const dq = tf.mul(tf.matMul(ds, sk), scale); // [G, N, dh]
          const dk = tf.matMul(ds, sq, true, false); // [G, N, dh]
          return [dq, dk, dv];
        },
      };
    }),
  );
  return op(q, k, v) as tf.Tensor3D;
}

function t2(x: tf.Tensor): tf.Tensor2D {
  return tf.transpose(x as tf.Tensor2D, [1, 0]);
}

const xnnOp = (scale: number) =>
  tf.customGrad(
    asGradFunc((qi: tf.Tensor, kTi: tf.Tensor, vi: tf.Tensor, save: tf.GradSaveFunc) => {
      const qs = tf.mul(qi, scale) as tf.Tensor2D; // [N, dh]
      const p = tf.softmax(tf.matMul(qs, kTi as tf.Tensor2D)) as tf.Tensor2D; // [N, N]
      save([qs, kTi, vi, p]);
      return {
        value: tf.matMul(p, vi as tf.Tensor2D), // [N, dh]
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const [sq, skT, sv, sp] = saved as tf.Tensor2D[];
          const d = dy as tf.Tensor2D;
          const dp = tf.matMul(d, t2(sv)); // [N, dh] x [dh, N] -> [N, N]
          const dvT = tf.matMul(t2(d), sp); // [dh, N] x [N, N] -> [dh, N]  (= (p^T dy)^T)
          const ds = softmaxGrad(sp, dp); // [N, N]
          const dq = tf.mul(tf.matMul(ds, t2(skT)), scale); // [N, N] x [N, dh] -> [N, dh]
          const dkT = tf.matMul(t2(sq), ds); // [dh, N] x [N, N] -> [dh, N]
          return [dq, dkT, t2(dvT)];
        },
      };
    }),
  );

const xnnCache = new Map<number, ReturnType<typeof xnnOp>>();

/** Rank-2 core on one head: `q: [N, dh]`, `kT: [dh, N]`, `v: [N, dh]`. Returns `[N, dh]`. */
export function attentionCore2d(q: tf.Tensor2D, kT: tf.Tensor2D, v: tf.Tensor2D, scale: number): tf.Tensor2D {
  let op = xnnCache.get(scale);
  if (!op) {
    op = xnnOp(scale);
    xnnCache.set(scale, op);
  }
  return op(q, kT, v) as tf.Tensor2D;
}
