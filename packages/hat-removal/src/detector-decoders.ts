/**
 * Decoders of the person detectors' raw outputs into boxes in frame pixels (docs/ARCHITECTURE.md §7):
 * CenterNet (`[1,100,6]` detections), NanoDet-m (per-stride class scores and distribution-focal
 * box distances, Li et al. 2020 "Generalized Focal Loss") and MoveNet MultiPose (6 people, a box each).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import type { DetectionBox, FrameBatch } from './frames.js';
import { clampBox, nms } from './boxes.js';

/** CenterNet on one frame resized to 512x512. */
export async function centernetFrame(model: GraphModel, f: FrameBatch, minScore: number): Promise<DetectionBox[]> {
  const S = 512;
  const x = tf.tidy(() =>
    tf.image.resizeBilinear(tf.cast(tf.tensor4d(f.data, [1, f.height, f.width, 3], 'int32'), 'float32'), [S, S]),
  ); // [1,512,512,3] in [0,255]
  const det = model.execute(x, 'tower_0/detections') as tf.Tensor; // [1,100,6]
  x.dispose();
  const d = (await det.data()) as Float32Array;
  det.dispose();
  const sx = f.width / S;
  const sy = f.height / S;
  const boxes: DetectionBox[] = [];
  for (let i = 0; i < d.length; i += 6) {
    const score = d[i + 4];
    if (d[i + 5] !== 0 || score < minScore) continue;
    boxes.push(
      clampBox({ x1: d[i] * sx, y1: d[i + 1] * sy, x2: d[i + 2] * sx, y2: d[i + 3] * sy, score }, f.width, f.height),
    );
  }
  return nms(boxes, 0.6);
}

/** MoveNet MultiPose on one frame, long side 256. */
export async function movenetFrame(model: GraphModel, f: FrameBatch, minScore: number): Promise<DetectionBox[]> {
  // MoveNet takes any size that is a multiple of 32; keep the aspect with the long side at 256.
  const long = Math.max(f.width, f.height);
  const w = Math.max(32, Math.round((256 * f.width) / long / 32) * 32);
  const h = Math.max(32, Math.round((256 * f.height) / long / 32) * 32);
  const x = tf.tidy(() =>
    tf.cast(
      tf.image.resizeBilinear(tf.cast(tf.tensor4d(f.data, [1, f.height, f.width, 3], 'int32'), 'float32'), [h, w]),
      'int32',
    ),
  ); // [1,h,w,3]
  const out = model.execute(x, 'Identity:0') as tf.Tensor; // [1,6,56]
  x.dispose();
  const d = (await out.data()) as Float32Array;
  out.dispose();
  const boxes: DetectionBox[] = [];
  for (let p = 0; p < 6; p++) {
    const o = p * 56 + 51;
    const score = d[o + 4];
    if (score < minScore) continue;
    boxes.push(
      clampBox(
        { x1: d[o + 1] * f.width, y1: d[o] * f.height, x2: d[o + 3] * f.width, y2: d[o + 2] * f.height, score },
        f.width,
        f.height,
      ),
    );
  }
  return boxes;
}

const NANO = 416;
const NANO_STRIDES = [8, 16, 32] as const;
const NANO_BINS = 11; // reg_max 10: each side's distance is a distribution over 0..10 strides
const NANO_MEAN = [103.53, 116.28, 123.675]; // BGR, NanoDet's training normalisation
const NANO_STD = [57.375, 57.12, 58.395];

/** NanoDet-m on one frame resized to 416x416 (NCHW, BGR, mean/std normalised); COCO class 0 = person. */
export async function nanodetFrame(model: GraphModel, f: FrameBatch, minScore: number): Promise<DetectionBox[]> {
  const x = tf.tidy(() => {
    const r = tf.image.resizeBilinear(tf.cast(tf.tensor4d(f.data, [1, f.height, f.width, 3], 'int32'), 'float32'), [
      NANO,
      NANO,
    ]); // [1,416,416,3]
    const bgr = tf.div(tf.sub(tf.reverse(r, -1), NANO_MEAN), NANO_STD);
    return tf.transpose(bgr, [0, 3, 1, 2]); // [1,3,416,416]
  });
  const names = ['Identity:0', 'Identity_1:0', 'Identity_2:0', 'Identity_3:0', 'Identity_4:0', 'Identity_5:0'];
  const outs = model.execute(x, names) as tf.Tensor[]; // scores [1,G*G,80] per stride, then boxes [1,G*G,44]
  x.dispose();
  const d = (await Promise.all(outs.map((o) => o.data()))) as Float32Array[];
  outs.forEach((o) => o.dispose());
  const sx = f.width / NANO;
  const sy = f.height / NANO;
  const boxes: DetectionBox[] = [];
  const dist = new Float64Array(4);
  NANO_STRIDES.forEach((st, s) => {
    const scores = d[s];
    const reg = d[s + 3];
    const g = Math.ceil(NANO / st);
    for (let i = 0; i < g * g; i++) {
      const score = scores[i * 80]; // class 0, already a sigmoid
      if (score < minScore) continue;
      for (let side = 0; side < 4; side++) {
        const o = i * 4 * NANO_BINS + side * NANO_BINS;
        let m = -Infinity;
        for (let j = 0; j < NANO_BINS; j++) m = Math.max(m, reg[o + j]);
        let z = 0;
        let e = 0;
        for (let j = 0; j < NANO_BINS; j++) {
          const w = Math.exp(reg[o + j] - m);
          z += w;
          e += w * j;
        }
        dist[side] = (e / z) * st; // expected distance (softmax over the bins), in input pixels
      }
      const cx = ((i % g) + 0.5) * st;
      const cy = (Math.floor(i / g) + 0.5) * st;
      boxes.push(
        clampBox(
          { x1: (cx - dist[0]) * sx, y1: (cy - dist[1]) * sy, x2: (cx + dist[2]) * sx, y2: (cy + dist[3]) * sy, score },
          f.width,
          f.height,
        ),
      );
    }
  });
  return nms(boxes, 0.6);
}
