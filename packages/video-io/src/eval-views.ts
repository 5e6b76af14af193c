/**
 * Multi-view testing (docs/ARCHITECTURE.md §5 "Downstream"): each video gives `numClips` uniform
 * temporal windows x `numCrops` spatial crops (1: centre, 3: start/centre/end of the longer side),
 * decoded at the model's resolution; the class scores are the softmax averaged over the views.
 * This is the one evaluation-views function of the project: every benchmark row, soup and probe
 * evaluates through it, so every row uses the same protocol.
 */
import { PpmaError } from '@ppma/core';
import { evalWindows } from './clip-sampling.js';
import { centerCrop, threeCrop } from './clip-geometry.js';
import { decodeFrames } from './decode.js';
import { probeCached } from './probe-cache.js';
import type { ClipLike } from './to-tensor.js';

/** The views to take from each video. */
export interface ViewSpec {
  /** Model clip geometry. */
  readonly frames: number;
  readonly height: number;
  readonly width: number;
  /** Frame stride inside a window. */
  readonly stride: number;
  /** Temporal clips per video. */
  readonly numClips: number;
  /** Spatial crops per clip (forced to 1 for non-square models). */
  readonly numCrops: 1 | 3;
}

/** Views per video under `spec`. */
export function viewsPerVideo(spec: ViewSpec): number {
  return spec.numClips * (spec.height === spec.width ? spec.numCrops : 1);
}

/**
 * Decodes the views of one video, each `[T, H, W, 3]` uint8, in (clip, crop) order.
 * @throws VideoInputError when the video is missing or cannot be decoded.
 */
export async function loadViews(path: string, spec: ViewSpec): Promise<ClipLike[]> {
  const square = spec.height === spec.width;
  const decode = square ? { shortSide: spec.height } : { width: spec.width, height: spec.height };
  const info = await probeCached(path);
  const windows = evalWindows(
    info.frameCount,
    { frames: spec.frames, stride: spec.stride, numClips: spec.numClips },
    path,
  );
  // One ffmpeg run for every window of the video (decodeFrames seeks again between far-apart windows).
  const d = await decodeFrames(path, { indices: windows.flat(), info, ...decode });
  const per = d.height * d.width * 3 * spec.frames;
  const clips = windows.map((_, k): ClipLike => ({
    data: d.data.subarray(k * per, (k + 1) * per),
    frames: spec.frames,
    height: d.height,
    width: d.width,
  }));
  return clips.flatMap((c): ClipLike[] => {
    if (!square) return [c];
    return spec.numCrops === 3 ? threeCrop(c, spec.height) : [centerCrop(c, spec.height)];
  });
}

/**
 * The views of one video as one `[views, T, H, W, 3]` uint8 block (what a model batch is built
 * from), in (clip, crop) order.
 */
export async function loadViewBlock(path: string, spec: ViewSpec): Promise<Uint8Array> {
  const views = await loadViews(path, spec);
  const per = spec.frames * spec.height * spec.width * 3;
  const out = new Uint8Array(views.length * per);
  views.forEach((v, k) => out.set(v.data.subarray(0, per), k * per));
  return out;
}

/** The reason text of a decode failure (typed PPMA errors carry their code). */
export function skipReason(e: unknown): string {
  if (e instanceof PpmaError) return `${e.code}: ${e.message}`;
  return e instanceof Error ? e.message : String(e);
}

/**
 * Averages softmax scores over views: `logits` is `[videos * views, C]` row-major; returns the
 * averaged probabilities `[videos, C]`.
 */
export function averageSoftmax(logits: Float32Array, videos: number, views: number, classes: number): Float32Array {
  const out = new Float32Array(videos * classes);
  for (let v = 0; v < videos; v++) {
    for (let k = 0; k < views; k++) {
      const row = (v * views + k) * classes;
      let max = -Infinity;
      for (let c = 0; c < classes; c++) max = Math.max(max, logits[row + c]);
      let sum = 0;
      for (let c = 0; c < classes; c++) sum += Math.exp(logits[row + c] - max);
      for (let c = 0; c < classes; c++) out[v * classes + c] += Math.exp(logits[row + c] - max) / sum / views;
    }
  }
  return out;
}

/** Top-1 accuracy (in [0, 1]) of averaged scores `[videos, C]` against `labels`, and the argmax per video. */
export function top1(
  probs: Float32Array,
  labels: ArrayLike<number>,
  classes: number,
): { top1: number; predictions: number[] } {
  const predictions: number[] = [];
  let correct = 0;
  for (let v = 0; v < labels.length; v++) {
    let best = 0;
    for (let c = 1; c < classes; c++) if (probs[v * classes + c] > probs[v * classes + best]) best = c;
    predictions.push(best);
    if (best === labels[v]) correct++;
  }
  return { top1: labels.length === 0 ? NaN : correct / labels.length, predictions };
}

/**
 * The `k` most probable classes of each video, `[[class, probability], ...]` best first (ties to
 * the lower class index, so the first entry is the argmax that {@link top1} counts).
 */
export function topK(probs: Float32Array, videos: number, classes: number, k = 5): [number, number][][] {
  const out: [number, number][][] = [];
  for (let v = 0; v < videos; v++) {
    const row = Array.from({ length: classes }, (_, c): [number, number] => [c, probs[v * classes + c]]);
    row.sort((a, b) => b[1] - a[1] || a[0] - b[0]);
    out.push(row.slice(0, Math.min(k, classes)));
  }
  return out;
}
