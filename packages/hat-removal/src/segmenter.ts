/**
 * The segmenter interface (docs/ARCHITECTURE.md §7, CONVENTIONS.md "Segmenters follow the same shape"):
 * frames in, soft person masks out, with state for recurrent models.
 */
import type { FrameBatch, MaskBatch } from './frames.js';

/** Names of the segmenters {@link createSegmenter} builds. */
export const SEGMENTERS = ['rvm', 'selfie-crops', 'onnx', 'oracle'] as const;

/** A segmenter name. */
export type SegmenterName = (typeof SEGMENTERS)[number];

/** What a segmenter is, for logs and reports. */
export interface SegmenterInfo {
  /** Segmenter name, e.g. `rvm`. */
  readonly name: string;
  /** Licence of the weights it runs (SPDX id, `unknown`, or several joined by ` + `). */
  readonly licence: string;
  /** Models it loaded, with where they came from. */
  readonly models: readonly string[];
}

/** Frames in, soft person masks (uint8, 255 = person) out. */
export interface Segmenter {
  /**
   * Segments the next frames of a video, in order. Recurrent segmenters carry state from one call
   * to the next until {@link Segmenter.reset}. `onFrame` is called as each frame is done, when
   * the segmenter can tell (for progress bars).
   */
  segment(frames: FrameBatch, onFrame?: () => void): Promise<MaskBatch>;
  /** Seconds spent warming recurrent state up (included in the time of `segment`), for profiles. */
  readonly stats?: { readonly warmupSeconds: number };
  /** Forgets the recurrent state: call between videos. */
  reset(): void;
  /** Frees the models. */
  dispose(): void;
  readonly info: SegmenterInfo;
}

/** Scales a frame batch's width/height check into a clear error message. */
export function describeBatch(b: { frames: number; width: number; height: number }): string {
  return `${b.frames} frames of ${b.width}x${b.height}`;
}
