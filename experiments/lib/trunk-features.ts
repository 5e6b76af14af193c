/**
 * Frozen-trunk features of rendered clips for the issue-13 probes (docs/ARCHITECTURE.md §4, §5):
 * the tiny ViT sees one 8-frame window; each clip gives two windows (frames 0-7 and 8-15, the
 * default run's 2 test clips). Per window: the bench's LP feature `fc_norm(mean over tokens)`, and
 * the token features averaged over space for each of the model's time steps (no pooling over time).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { VideoViT } from '@ppma/vit';
import { GEOM } from './clips.js';
import type { Clip } from './clips.js';

/** Features of one clip from one trunk. */
export interface TrunkFeatures {
  /** `fc_norm(mean over tokens)` averaged over the two windows: `[D]` (what the bench's LP averages over views). */
  readonly pooled: Float64Array;
  /** The pooled feature of each window, concatenated in time order: `[2 D]`. */
  readonly pooledWindows: Float64Array;
  /** Tokens averaged over space per time step, both windows in time order: `[2 * steps * D]`. */
  readonly perTime: Float64Array;
}

/** Features of every clip, in batches of `batch` windows. */
export async function trunkFeatures(model: VideoViT, all: readonly Clip[], batch = 16): Promise<TrunkFeatures[]> {
  const { frames: T, height: H, width: W, dim: D, tubelet } = model.config;
  if (H !== GEOM.height || W !== GEOM.width || 2 * T !== GEOM.frames)
    throw new RangeError(
      `trunkFeatures: model ${T}x${H}x${W} does not fit two windows of the ${GEOM.frames}-frame clips`,
    );
  const steps = T / tubelet;
  const per = T * H * W * 3;
  const windows = new Float32Array(all.length * 2 * per);
  all.forEach((c, i) => {
    for (let j = 0; j < 2 * per; j++) windows[i * 2 * per + j] = c.video[j] / 255; // window 0 then window 1
  });
  const n = all.length * 2;
  const pooled = new Float32Array(n * D);
  const perTime = new Float32Array(n * steps * D);
  for (let s = 0; s < n; s += batch) {
    const b = Math.min(batch, n - s);
    const out = tf.tidy(() => {
      const o = model.forward(tf.tensor5d(windows.subarray(s * per, (s + b) * per), [b, T, H, W, 3]));
      const tokens = o.tokens.reshape([b, steps, o.tokens.shape[1] / steps, D]); // [B, t, h*w, D], time-major tokens
      return [o.pooled.clone(), tf.mean(tokens, 2)]; // [B, D], [B, t, D]
    });
    pooled.set(await out[0].data(), s * D);
    perTime.set(await out[1].data(), s * steps * D);
    tf.dispose(out);
  }
  return all.map((_, i) => {
    const w0 = pooled.subarray(2 * i * D, (2 * i + 1) * D);
    const w1 = pooled.subarray((2 * i + 1) * D, (2 * i + 2) * D);
    return {
      pooled: Float64Array.from(w0, (v, j) => (v + w1[j]) / 2),
      pooledWindows: Float64Array.from(pooled.subarray(2 * i * D, (2 * i + 2) * D)),
      perTime: Float64Array.from(perTime.subarray(2 * i * steps * D, (2 * i + 2) * steps * D)),
    };
  });
}
