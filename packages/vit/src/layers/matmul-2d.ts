/**
 * Matrix products that stay on the fast path of tfjs-wasm (docs/ARCHITECTURE.md §3): only rank-2,
 * untransposed, batch-1 matmuls reach XNNPACK. Autodiff of `tf.matMul` would produce transposed
 * products in the backward pass, so these ops carry their own gradients and transpose the rank-2
 * operands explicitly instead. Bias gradients are computed as `ones[1, M] @ dy` (a product), since
 * a column reduction (`sum` over axis 0) is a transpose plus a scalar loop on wasm.
 *
 * On the `native` backend (@ppma/native) the bias is added inside the GEMM (`_FusedMatMul` with a
 * bias: one kernel instead of a product and an `Add` per layer and pass) and column sums are one
 * native `Sum` over axis 0 (instead of a `Fill`, a product and a reshape).
 */
import * as tf from '@tensorflow/tfjs-core';
import { asGradFunc } from './custom-grad.js';
import { nativeMatmul } from '../attention-mode.js';

/** Explicit rank-2 transpose, `[R, C] -> [C, R]`. */
function t2(x: tf.Tensor): tf.Tensor2D {
  return tf.transpose(x as tf.Tensor2D, [1, 0]);
}

/** `a^T b`: a transpose flag where matmuls are native, else an explicit transpose. */
function mmTA(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return nativeMatmul()
    ? tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, true, false)
    : tf.matMul(t2(a), b as tf.Tensor2D);
}

/** `a b^T`, likewise. */
function mmTB(a: tf.Tensor, b: tf.Tensor): tf.Tensor2D {
  return nativeMatmul()
    ? tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D, false, true)
    : tf.matMul(a as tf.Tensor2D, t2(b));
}

/** Whether the active backend fuses a bias into its GEMM and reduces columns natively. */
function nativeBackend(): boolean {
  return tf.getBackend() === 'native';
}

/** `a @ b + bias` (bias `[N]` broadcast over rows): one fused kernel on `native`, else a product and an add. */
function matMulBias(a: tf.Tensor2D, b: tf.Tensor2D, bias: tf.Tensor): tf.Tensor2D {
  return (nativeBackend() ? tf.fused.matMul({ a, b, bias }) : tf.add(tf.matMul(a, b), bias)) as tf.Tensor2D;
}

/** Column sums of `x: [M, N]`, returned `[N]`: a native `Sum` on `native`, else a product `ones[1, M] @ x`. */
export function columnSum(x: tf.Tensor): tf.Tensor1D {
  const [m, n] = x.shape;
  if (nativeBackend()) return tf.sum(x, 0) as tf.Tensor1D; // [N]
  return tf.reshape(tf.matMul(tf.ones([1, m]), x as tf.Tensor2D), [n]); // [N]
}

const mm2dOp = tf.customGrad(
  asGradFunc((a: tf.Tensor, b: tf.Tensor, save: tf.GradSaveFunc) => {
    save([a, b]);
    const value = tf.matMul(a as tf.Tensor2D, b as tf.Tensor2D); // [M, N]
    return {
      value,
      gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
        const [sa, sb] = saved;
        const da = mmTB(dy, sb); // [M, N] x [N, K] -> [M, K]
        const db = mmTA(sa, dy); // [K, M] x [M, N] -> [K, N]
        return [da, db];
      },
    };
  }),
);

/**
 * `a @ b` for rank-2 activations `a: [M, K]` and `b: [K, N]`, with a backward pass made of rank-2
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
  const op = tf.customGrad(
    asGradFunc((wIn: tf.Tensor, save: tf.GradSaveFunc) => {
      save([a]); // kept alive for the backward pass even when the caller's tidy ends
      const value = tf.matMul(a, wIn as tf.Tensor2D); // [M, N]
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [mmTA(saved[0], dy)], // [K, M] x [M, N] -> [K, N]
      };
    }),
  );
  return op(w) as tf.Tensor2D;
}

/**
 * `a @ w + b` with a constant `a` (the pixel patches entering the patch embedding): gradients for
 * `w` and `b` only.
 */
export function denseConstLeft(a: tf.Tensor2D, w: tf.Tensor2D, b: tf.Tensor1D): tf.Tensor2D {
  const op = tf.customGrad(
    asGradFunc((wIn: tf.Tensor, bIn: tf.Tensor, save: tf.GradSaveFunc) => {
      save([a]);
      const value = matMulBias(a, wIn as tf.Tensor2D, bIn); // [M, N]
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [mmTA(saved[0], dy), columnSum(dy)], // [K, N], [N]
      };
    }),
  );
  return op(w, b) as tf.Tensor2D;
}

/**
 * A dense layer `x @ w + b` on rank-2 activations. `w` is held `[in, out]` (the transpose of
 * PyTorch's `[out, in]`), so the forward product needs no transpose. `w` and `b` must be
 * variables (they are read again in the backward pass instead of being copied onto the tape).
 */
export function linear(x: tf.Tensor2D, w: tf.Tensor2D, b?: tf.Tensor1D): tf.Tensor2D {
  if (!b) {
    const noBias = tf.customGrad(
      asGradFunc((xIn: tf.Tensor, wIn: tf.Tensor, save: tf.GradSaveFunc) => {
        save([xIn]);
        return {
          value: tf.matMul(xIn as tf.Tensor2D, wIn as tf.Tensor2D), // [M, out]
          gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [mmTB(dy, w), mmTA(saved[0], dy)],
        };
      }),
    );
    return noBias(x, w) as tf.Tensor2D;
  }
  const op = tf.customGrad(
    asGradFunc((xIn: tf.Tensor, wIn: tf.Tensor, bIn: tf.Tensor, save: tf.GradSaveFunc) => {
      save([xIn]);
      const value = matMulBias(xIn as tf.Tensor2D, wIn as tf.Tensor2D, bIn); // [M, out]
      return {
        value,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => {
          const dx = mmTB(dy, w); // [M, out] x [out, in] -> [M, in]
          const dw = mmTA(saved[0], dy); // [in, M] x [M, out] -> [in, out]
          return [dx, dw, columnSum(dy)]; // db: [out]
        },
      };
    }),
  );
  return op(x, w, b) as tf.Tensor2D;
}
