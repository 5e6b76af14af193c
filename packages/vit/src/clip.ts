/**
 * Clip input checks and pixel normalisation (docs/ARCHITECTURE.md §4: `[B, T, H, W, 3]` float32 in [0, 1],
 * normalised with a per-channel mean and std).
 */
import * as tf from '@tensorflow/tfjs-core';
import { ModelError } from '@ppma/core';
import type { PatchGeometry } from './layers/patch-embed-3d.js';

/** Checks a clip's shape against the model geometry; returns the batch size. */
export function checkClip(clip: tf.Tensor, g: PatchGeometry): number {
  const s = clip.shape;
  if (s.length !== 5 || s[1] !== g.frames || s[2] !== g.height || s[3] !== g.width || s[4] !== 3) {
    throw new ModelError(
      `clip has shape [${s.join(', ')}], the model needs [B, ${g.frames}, ${g.height}, ${g.width}, 3]`,
    );
  }
  return s[0];
}

/** `(clip - mean) / std` per channel. */
export function normalisePixels(clip: tf.Tensor, mean: tf.Tensor1D, std: tf.Tensor1D): tf.Tensor {
  return tf.div(tf.sub(clip, mean), std); // [B, T, H, W, 3]
}
