/**
 * Random masking (MAE, He et al. 2022; the paper's stage 1 at 90%): hide a uniformly random
 * subset of exactly `round(ratio * N)` tokens.
 */
import type { Rng } from '@ppma/core';
import { gridSize, type TokenGrid } from './mask-geometry.js';

/** A `[N]` mask, 1 = hidden from the encoder. */
export function randomMask(grid: TokenGrid, ratio: number, rng: Rng): Uint8Array {
  const n = gridSize(grid);
  const hidden = Math.round(ratio * n);
  const mask = new Uint8Array(n);
  for (const i of rng.permutation(n).slice(0, hidden)) mask[i] = 1;
  return mask;
}
