/**
 * Masking strategies: exact counts, tube structure, running-cell subsets, determinism per seed, and
 * the index bookkeeping the MAE relies on.
 */
import { describe, expect, it } from 'vitest';
import { Rng } from '@ppma/core';
import {
  drawMaskBatch,
  maskIndices,
  randomMask,
  runningCellDecoderMask,
  runningCellPattern,
  tubeMask,
} from '../src/index.js';

const grid = { t: 4, h: 6, w: 10 };
const n = 240;
const count = (m: ArrayLike<number>) => Array.from(m).reduce((a, b) => a + b, 0);

describe('masking', () => {
  it('random masking hides exactly round(ratio * N) tokens, differently per seed', () => {
    const a = randomMask(grid, 0.9, new Rng(1));
    expect(a.length).toBe(n);
    expect(count(a)).toBe(216);
    expect(Array.from(randomMask(grid, 0.9, new Rng(1)))).toEqual(Array.from(a));
    expect(Array.from(randomMask(grid, 0.9, new Rng(2)))).not.toEqual(Array.from(a));
  });

  it('tube masking repeats one spatial mask over time', () => {
    const m = tubeMask(grid, 0.75, new Rng(3));
    expect(count(m)).toBe(4 * 45);
    for (let t = 1; t < 4; t++) expect(Array.from(m.slice(t * 60, (t + 1) * 60))).toEqual(Array.from(m.slice(0, 60)));
  });

  it('running cells move over time and decoder masks are equal-sized subsets of the hidden tokens', () => {
    const p = runningCellPattern(grid, 0.5);
    expect(count(p.slice(0, 60))).toBe(30);
    expect(Array.from(p.slice(0, 60))).not.toEqual(Array.from(p.slice(60, 120)));
    const batch = drawMaskBatch(
      { kind: 'tube', ratio: 0.9 },
      { kind: 'running-cell', ratio: 0.5 },
      grid,
      3,
      new Rng(4),
    );
    const decode = batch.decode!;
    for (let b = 0; b < 3; b++) {
      const h = batch.hidden.slice(b * n, (b + 1) * n);
      const d = decode.slice(b * n, (b + 1) * n);
      expect(count(d)).toBe(Math.round(0.5 * count(h)));
      for (let i = 0; i < n; i++) if (d[i]) expect(h[i]).toBe(1);
    }
    const one = runningCellDecoderMask(grid, tubeMask(grid, 0.5, new Rng(5)), 0.5, new Rng(6));
    expect(count(one)).toBe(60);
  });

  it('turns masks into visible / reconstructed indices and rejects uneven batches', () => {
    const hidden = Uint8Array.from([1, 0, 1, 0, 0, 1, 1, 0]);
    const ix = maskIndices(hidden, undefined, 2, 4);
    expect([ix.nv, ix.nr]).toEqual([2, 2]);
    expect(Array.from(ix.visibleFlat)).toEqual([1, 3, 4, 7]);
    expect(Array.from(ix.reconTok)).toEqual([0, 2, 1, 2]);
    expect(() => maskIndices(Uint8Array.from([1, 1, 1, 0, 0, 1, 1, 0]), undefined, 2, 4)).toThrow(/same number/);
    expect(() => maskIndices(hidden, Uint8Array.from([0, 1, 0, 0, 0, 1, 0, 0]), 2, 4)).toThrow(/visible/);
  });
});
