/**
 * Classification loss: mean softmax cross-entropy with optional label smoothing, as PyTorch's
 * `F.cross_entropy(logits, labels, label_smoothing=s)`.
 */
import * as tf from '@tensorflow/tfjs-core';

/** Mean cross-entropy of `logits: [B, C]` against integer `labels` or soft targets `[B, C]`. */
export function crossEntropy(
  logits: tf.Tensor2D,
  labels: tf.Tensor1D | tf.Tensor2D | ArrayLike<number>,
  smoothing = 0,
): tf.Scalar {
  return tf.tidy(() => {
    const [b, c] = logits.shape;
    let target: tf.Tensor2D;
    if (labels instanceof tf.Tensor && labels.rank === 2) target = labels as tf.Tensor2D;
    else {
      const ids = labels instanceof tf.Tensor ? tf.cast(labels, 'int32') : tf.tensor1d(Array.from(labels), 'int32');
      target = tf.oneHot(ids as tf.Tensor1D, c) as tf.Tensor2D; // [B, C]
    }
    if (smoothing > 0) target = tf.add(tf.mul(target, 1 - smoothing), smoothing / c);
    const logp = tf.logSoftmax(logits); // [B, C]
    return tf.div(tf.neg(tf.sum(tf.mul(target, logp))), b) as tf.Scalar;
  });
}
