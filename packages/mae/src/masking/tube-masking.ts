/**
 * Tube masking (VideoMAE, Tong et al. 2022, §3.3): one random spatial mask of
 * `round(ratio * H'W')` positions, repeated over every temporal slot, so a hidden patch cannot be
 * copied from its neighbour in time.
 */
import type { Rng } from '@ppma/core';
import type { TokenGrid } from './mask-geometry.js';

/** A `[N]` mask, 1 = hidden from the encoder. */
export function tubeMask(grid: TokenGrid, ratio: number, rng: Rng): Uint8Array {
  const hw = grid.h * grid.w;
  const hidden = Math.round(ratio * hw);
  const spatial = new Uint8Array(hw);
  for (const i of rng.permutation(hw).slice(0, hidden)) spatial[i] = 1;
  const mask = new Uint8Array(grid.t * hw);
  for (let t = 0; t < grid.t; t++) mask.set(spatial, t * hw);
  return mask;
}
