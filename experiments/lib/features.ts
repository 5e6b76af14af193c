/**
 * Hand-made clip features for the issue-13 probes (docs/ARCHITECTURE.md §9, §12): the motion-only
 * features of packages/synth's mechanism check (absolute frame differences of the gray clip,
 * pooled on a grid for each consecutive frame pair: where and when something moves, no colour, no
 * still scene), computed over any frame range.
 */
import { GEOM } from './clips.js';

/** Pooled absolute frame differences of frames `from .. to - 1`: `(to - from - 1) * grid^2` numbers. */
export function frameDifferences(video: Uint8Array, from = 0, to: number = GEOM.frames, grid = 4): Float64Array {
  const { height: h, width: w } = GEOM;
  const px = h * w;
  const gray = (t: number, i: number): number =>
    0.299 * video[3 * (t * px + i)] + 0.587 * video[3 * (t * px + i) + 1] + 0.114 * video[3 * (t * px + i) + 2];
  const cells = grid * grid;
  const f = new Float64Array((to - from - 1) * cells);
  for (let t = from; t < to - 1; t++)
    for (let y = 0; y < h; y++)
      for (let x = 0; x < w; x++) {
        const i = y * w + x;
        const cell = Math.floor((grid * y) / h) * grid + Math.floor((grid * x) / w);
        f[(t - from) * cells + cell] += Math.abs(gray(t + 1, i) - gray(t, i)) / (px / cells);
      }
  return f;
}
