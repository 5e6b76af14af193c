/**
 * Running-cell decoder masking (VideoMAE V2, Wang et al. 2023, "dual masking"): the decoder
 * reconstructs only a subset of the hidden tokens. Space is tiled by 2x2 cells; in temporal slot
 * `t'` the cell positions `(t' + j) mod 4`, `j < round(4 ratio)`, walking the cell in the cycle
 * (0,0) (0,1) (1,1) (1,0), are "running" (to reconstruct), so the selection moves over time.
 *
 * To keep a fixed count per clip (the batch is a dense tensor), we reconstruct exactly
 * `round(ratio * hidden)` hidden tokens: the hidden ones inside the running cells first, then, if
 * too few, other hidden tokens in a seeded random order.
 */
import type { Rng } from '@ppma/core';
import type { TokenGrid } from './mask-geometry.js';

const CYCLE: readonly [number, number][] = [
  [0, 0],
  [0, 1],
  [1, 1],
  [1, 0],
];

/** The running-cell pattern `[N]`, 1 = reconstruct. */
export function runningCellPattern(grid: TokenGrid, ratio: number): Uint8Array {
  const k = Math.max(1, Math.min(4, Math.round(4 * ratio)));
  const out = new Uint8Array(grid.t * grid.h * grid.w);
  for (let t = 0; t < grid.t; t++) {
    for (let j = 0; j < k; j++) {
      const [cy, cx] = CYCLE[(t + j) % 4];
      for (let y = cy; y < grid.h; y += 2) for (let x = cx; x < grid.w; x += 2) out[(t * grid.h + y) * grid.w + x] = 1;
    }
  }
  return out;
}

/** Which hidden tokens the decoder reconstructs: `[N]`, 1 = reconstruct (a subset of `hidden`). */
export function runningCellDecoderMask(grid: TokenGrid, hidden: Uint8Array, ratio: number, rng: Rng): Uint8Array {
  const pattern = runningCellPattern(grid, ratio);
  const hiddenIdx: number[] = [];
  for (let i = 0; i < hidden.length; i++) if (hidden[i]) hiddenIdx.push(i);
  const want = Math.max(1, Math.round(ratio * hiddenIdx.length));
  const inCell = hiddenIdx.filter((i) => pattern[i]);
  const others = rng.shuffle(hiddenIdx.filter((i) => !pattern[i]));
  const chosen = rng.shuffle(inCell).slice(0, want);
  for (const i of others) {
    if (chosen.length >= want) break;
    chosen.push(i);
  }
  const out = new Uint8Array(hidden.length);
  for (const i of chosen) out[i] = 1;
  return out;
}
