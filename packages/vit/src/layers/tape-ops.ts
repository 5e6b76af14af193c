/**
 * Ops that keep the gradient tape lean. tfjs saves a *copy* of the inputs most kernels need for
 * their gradient (`Add`, `Mul`, `Reshape`, `Slice`, `Concat` all copy whole tensors just to learn
 * shapes), and records constants (pixel normalisation, patch cutting, MAE targets) as if they needed
 * gradients. These versions save nothing, or run untaped, which halves a training step's memory
 * and saves the copies.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asGradFunc } from './custom-grad.js';

/** Runs `fn` without recording its ops on the gradient tape (its result is a constant). */
export function untaped<T extends tf.Tensor>(fn: () => T): T {
  const op = tf.customGrad(asGradFunc(() => ({ value: fn(), gradFunc: () => [] })));
  return op() as T;
}

/** `tf.reshape` whose gradient does not keep a copy of the input. */
export function reshape<R extends tf.Rank>(x: tf.Tensor, shape: number[]): tf.Tensor<R> {
  const inShape = x.shape;
  const op = tf.customGrad(
    asGradFunc((xi: tf.Tensor) => ({
      value: tf.reshape(xi, shape),
      gradFunc: (dy: tf.Tensor) => [tf.reshape(dy, inShape)],
    })),
  );
  return op(x) as tf.Tensor<R>;
}

/** `a + b` for same-shape tensors (residual connections), saving nothing. */
export function residualAdd<T extends tf.Tensor>(a: T, b: T): T {
  const op = tf.customGrad(
    asGradFunc((ai: tf.Tensor, bi: tf.Tensor) => ({ value: tf.add(ai, bi), gradFunc: (dy: tf.Tensor) => [dy, dy] })),
  );
  return op(a, b) as T;
}

/** `x + c` where `c` is a constant broadcast onto `x` (e.g. position tables); only `x` gets a gradient. */
export function addConstant<T extends tf.Tensor>(x: T, c: tf.Tensor): T {
  const op = tf.customGrad(
    asGradFunc((xi: tf.Tensor) => ({ value: tf.add(xi, c), gradFunc: (dy: tf.Tensor) => [dy] })),
  );
  return op(x) as T;
}

/** Rows `[start, start + count)` of every group of `x: [G, R, C]`, saving nothing. Returns `[G, count, C]`. */
export function sliceRows(x: tf.Tensor3D, start: number, count: number): tf.Tensor3D {
  const [g, r, c] = x.shape;
  const op = tf.customGrad(
    asGradFunc((xi: tf.Tensor) => ({
      value: tf.slice(xi as tf.Tensor3D, [0, start, 0], [g, count, c]),
      gradFunc: (dy: tf.Tensor) => [
        tf.pad(dy as tf.Tensor3D, [
          [0, 0],
          [start, r - start - count],
          [0, 0],
        ]),
      ],
    })),
  );
  return op(x) as tf.Tensor3D;
}

/** Concatenation of `[G, Ra, C]` and `[G, Rb, C]` along axis 1, saving nothing. */
export function concatRows(a: tf.Tensor3D, b: tf.Tensor3D): tf.Tensor3D {
  const ra = a.shape[1];
  const rb = b.shape[1];
  const op = tf.customGrad(
    asGradFunc((ai: tf.Tensor, bi: tf.Tensor) => ({
      value: tf.concat([ai as tf.Tensor3D, bi as tf.Tensor3D], 1),
      gradFunc: (dy: tf.Tensor) => tf.split(dy, [ra, rb], 1),
    })),
  );
  return op(a, b) as tf.Tensor3D;
}
