/**
 * The MAE reconstruction target and loss (docs/ARCHITECTURE.md §4; MAE's `norm_pix_loss`, as VideoMAE uses
 * it): each patch of the unnormalised [0, 1] clip, pixels in `(dt, dy, dx, c)` order, is normalised
 * per channel over its `t*p*p` pixels, `(x - mean) / (std_unbiased + 1e-6)`; the loss is the mean
 * squared error over the reconstructed tokens.
 */
import * as tf from '@tensorflow/tfjs-core';
import { asGradFunc } from '@ppma/vit';

/** Normalised targets of patch rows `[M, t*p*p*3]` (no gradient flows into them). */
export function normPixelTarget(rows: tf.Tensor2D): tf.Tensor2D {
  const [m, p] = rows.shape;
  const k = p / 3;
  const x = tf.reshape(rows, [m, k, 3]); // [M, t*p*p, 3]
  const mean = tf.mean(x, 1, true); // [M, 1, 3]
  const xc = tf.sub(x, mean); // [M, t*p*p, 3]
  const std = tf.sqrt(tf.div(tf.sum(tf.square(xc), 1, true), k - 1)); // [M, 1, 3], unbiased
  return tf.reshape(tf.div(xc, tf.add(std, 1e-6)), [m, p]); // [M, t*p*p*3]
}

/** Mean squared error between predictions and targets of the same shape. */
export function reconstructionLoss(pred: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const n = pred.size;
  const op = tf.customGrad(
    asGradFunc((p: tf.Tensor, save: tf.GradSaveFunc) => {
      const diff = tf.sub(p, target);
      save([diff]);
      return {
        value: tf.div(tf.sum(tf.square(diff)), n) as tf.Scalar,
        gradFunc: (dy: tf.Tensor, saved: tf.Tensor[]) => [tf.mul(saved[0], tf.mul(dy, 2 / n))], // d/dp mean((p - t)^2)
      };
    }),
  );
  return op(pred) as tf.Scalar;
}
