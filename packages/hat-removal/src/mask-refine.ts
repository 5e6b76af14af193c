/**
 * Mask refinement (docs/ARCHITECTURE.md §7): threshold the soft mask, smooth it over time, add the people the
 * segmenter missed, and dilate (HAT: a 3x3 cross, 4 iterations).
 */
import type { DetectionBox, FrameBatch, MaskBatch } from './frames.js';

/** Options of {@link refineMasks}. */
export interface RefineOptions {
  /** Soft-mask level (0..255) above which a pixel is a person (default 64, i.e. 0.25). */
  readonly threshold?: number;
  /** Iterations of 3x3-cross dilation (default 4, as HAT). */
  readonly dilate?: number;
  /** Temporal smoothing: a pixel is a person when its [1,2,1]-weighted average over t-1..t+1 passes the threshold, too (default true). */
  readonly temporal?: boolean;
}

/**
 * Soft masks to binary masks (0/255): temporal smoothing, threshold, then dilation. Smoothing only
 * adds pixels (union with the per-frame threshold), so it cannot uncover a person the frame found.
 * `extra` (same shape, 255 = person) is OR-ed in before dilation, e.g. from {@link catchMissedPeople}.
 */
export function refineMasks(soft: MaskBatch, opts: RefineOptions = {}, extra?: MaskBatch): MaskBatch {
  const thr = opts.threshold ?? 64;
  const iters = opts.dilate ?? 4;
  const temporal = opts.temporal ?? true;
  const { frames: T, width: W, height: H } = soft;
  const n = W * H;
  const out = new Uint8Array(T * n);
  for (let t = 0; t < T; t++) {
    const o = t * n;
    const p = (t > 0 ? t - 1 : t) * n;
    const q = (t < T - 1 ? t + 1 : t) * n;
    for (let i = 0; i < n; i++) {
      const v = soft.data[o + i];
      const avg = temporal ? (soft.data[p + i] + 2 * v + soft.data[q + i]) / 4 : 0;
      if (v >= thr || avg >= thr || (extra !== undefined && extra.data[o + i] !== 0)) out[o + i] = 255;
    }
    dilateCross(out.subarray(o, o + n), W, H, iters);
  }
  return { data: out, frames: T, width: W, height: H };
}

/** In-place binary dilation of one `[H, W]` mask with a 3x3 cross, `iterations` times. */
export function dilateCross(mask: Uint8Array, width: number, height: number, iterations: number): void {
  const tmp = new Uint8Array(mask.length);
  for (let it = 0; it < iterations; it++) {
    tmp.set(mask);
    for (let y = 0; y < height; y++) {
      const row = y * width;
      for (let x = 0; x < width; x++) {
        const i = row + x;
        if (tmp[i]) continue;
        if (
          (x > 0 && tmp[i - 1]) ||
          (x < width - 1 && tmp[i + 1]) ||
          (y > 0 && tmp[i - width]) ||
          (y < height - 1 && tmp[i + width])
        )
          mask[i] = 255;
      }
    }
  }
}

/** Options of {@link catchMissedPeople}. */
export interface CatchOptions {
  /** Largest per-channel difference from the clean plate that still counts as background (default 28). */
  readonly diffThreshold?: number;
  /** Fraction each box is grown by on every side (default 0.1). */
  readonly grow?: number;
}

/**
 * The missed-person catch: inside each detector person box, pixels that differ from the clean plate
 * (the scene with nobody in it) are people the segmenter missed. Returns a mask (255 = caught).
 * `plate(t, x, y, rgb)` writes the clean-plate colour of frame t's pixel into `rgb` and returns
 * false when the plate is unknown there (then the pixel is left alone).
 */
export function catchMissedPeople(
  frames: FrameBatch,
  boxes: readonly (readonly DetectionBox[])[],
  plate: (t: number, x: number, y: number, rgb: Uint8Array) => boolean,
  opts: CatchOptions = {},
): MaskBatch {
  const thr = opts.diffThreshold ?? 28;
  const grow = opts.grow ?? 0.1;
  const { frames: T, width: W, height: H } = frames;
  const n = W * H;
  const out = new Uint8Array(T * n);
  const rgb = new Uint8Array(3);
  for (let t = 0; t < T; t++) {
    for (const b of boxes[t] ?? []) {
      const gw = (b.x2 - b.x1) * grow;
      const gh = (b.y2 - b.y1) * grow;
      const x1 = Math.max(0, Math.floor(b.x1 - gw));
      const y1 = Math.max(0, Math.floor(b.y1 - gh));
      const x2 = Math.min(W, Math.ceil(b.x2 + gw));
      const y2 = Math.min(H, Math.ceil(b.y2 + gh));
      for (let y = y1; y < y2; y++) {
        for (let x = x1; x < x2; x++) {
          const i = t * n + y * W + x;
          if (out[i] || !plate(t, x, y, rgb)) continue;
          const p = i * 3;
          const d = Math.max(
            Math.abs(frames.data[p] - rgb[0]),
            Math.abs(frames.data[p + 1] - rgb[1]),
            Math.abs(frames.data[p + 2] - rgb[2]),
          );
          if (d > thr) out[i] = 255;
        }
      }
    }
  }
  return { data: out, frames: T, width: W, height: H };
}
