/**
 * Plain frame and mask buffers shared by every stage of human removal (docs/ARCHITECTURE.md §7).
 * Frames are RGB uint8 `[T, H, W, 3]`; masks are uint8 `[T, H, W]` (0 = background, 255 = person;
 * soft masks use the whole range as a probability).
 */

/** A run of RGB frames, row-major `[T, H, W, 3]`. */
export interface FrameBatch {
  /** Pixels, `[T, H, W, 3]`. */
  readonly data: Uint8Array;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
}

/** A run of single-channel masks, row-major `[T, H, W]`; 255 = person. */
export interface MaskBatch {
  /** Mask values, `[T, H, W]`. */
  readonly data: Uint8Array;
  readonly frames: number;
  readonly width: number;
  readonly height: number;
}

/** An axis-aligned box in pixels of the frame it was found in. */
export interface DetectionBox {
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** Detector confidence in [0, 1]. */
  readonly score: number;
}

/** Frames `[start, start + count)` of a batch, as a view (no copy). */
export function sliceFrames(b: FrameBatch, start: number, count: number): FrameBatch {
  const n = b.width * b.height * 3;
  return { data: b.data.subarray(start * n, (start + count) * n), frames: count, width: b.width, height: b.height };
}

/** Masks `[start, start + count)` of a batch, as a view (no copy). */
export function sliceMasks(b: MaskBatch, start: number, count: number): MaskBatch {
  const n = b.width * b.height;
  return { data: b.data.subarray(start * n, (start + count) * n), frames: count, width: b.width, height: b.height };
}

/** An all-zero mask batch of the given size. */
export function emptyMasks(frames: number, width: number, height: number): MaskBatch {
  return { data: new Uint8Array(frames * width * height), frames, width, height };
}
