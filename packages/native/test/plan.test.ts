// The GEMM planner: broadcasting, dim merging, batch folding and the cases left to wasm.
import { describe, expect, it } from 'vitest';
import { broadcastShapes, packDims, planBias, planMatMul } from '../src/index.js';

describe('planMatMul', () => {
  it('plans a plain 2-D matmul with and without transposes', () => {
    expect(planMatMul([7, 5], [5, 3], false, false)).toMatchObject({
      m: 7,
      n: 3,
      k: 5,
      outShape: [7, 3],
      batchShape: [],
    });
    expect(planMatMul([5, 7], [3, 5], true, true)).toMatchObject({ m: 7, n: 3, k: 5, outShape: [7, 3] });
  });

  it('folds the batch into M when b is shared and a is untransposed', () => {
    const p = planMatMul([2, 3, 6, 5], [5, 7], false, false);
    expect(p).toMatchObject({ m: 36, n: 7, k: 5, outShape: [2, 3, 6, 7], batchShape: [] });
    // Not with transA (a's rows are not contiguous), nor when folding is not allowed.
    expect(planMatMul([2, 3, 5, 6], [5, 7], true, false)).toMatchObject({
      m: 6,
      batchShape: [6],
      aStrides: [30],
      bStrides: [0],
    });
    expect(planMatMul([4, 6, 5], [5, 7], false, false, false)).toMatchObject({
      m: 6,
      batchShape: [4],
      aStrides: [30],
      bStrides: [0],
    });
  });

  it('merges contiguous batch dims and drops size-1 dims', () => {
    expect(planMatMul([2, 3, 6, 5], [2, 3, 5, 7], false, false)).toMatchObject({
      batchShape: [6],
      aStrides: [30],
      bStrides: [35],
    });
    expect(planMatMul([1, 4, 6, 5], [4, 5, 7], false, false)).toMatchObject({
      batchShape: [4],
      outShape: [1, 4, 6, 7],
    });
  });

  it('broadcasts across both operands with zero strides', () => {
    expect(planMatMul([2, 1, 6, 5], [1, 3, 5, 7], false, false)).toMatchObject({
      outShape: [2, 3, 6, 7],
      batchShape: [2, 3],
      aStrides: [30, 0],
      bStrides: [0, 35],
    });
  });

  it('returns null for the cases left to the wasm kernel', () => {
    expect(planMatMul([3], [3, 2], false, false)).toBeNull(); // rank 1
    expect(planMatMul([2, 3], [4, 2], false, false)).toBeNull(); // inner dims differ
    expect(planMatMul([2, 2, 3], [3, 3, 2], false, false)).toBeNull(); // batch 2 vs 3
    expect(planMatMul([0, 3], [3, 2], false, false)).toBeNull(); // empty
  });
});

describe('planBias / broadcastShapes / packDims', () => {
  it('plans bias broadcasts over one output matrix', () => {
    expect(planBias([9], 5, 9)).toEqual({ strideM: 0, strideN: 1 });
    expect(planBias([1, 9], 5, 9)).toEqual({ strideM: 0, strideN: 1 });
    expect(planBias([5, 9], 5, 9)).toEqual({ strideM: 9, strideN: 1 });
    expect(planBias([5, 1], 5, 9)).toEqual({ strideM: 1, strideN: 0 });
    expect(planBias([], 5, 9)).toEqual({ strideM: 0, strideN: 0 });
    expect(planBias([2, 5, 9], 5, 9)).toBeNull(); // varies per batch
    expect(planBias([4], 5, 9)).toBeNull();
  });

  it('broadcasts shapes numpy-style', () => {
    expect(broadcastShapes([2, 1], [3])).toEqual([2, 3]);
    expect(broadcastShapes([], [4, 1])).toEqual([4, 1]);
    expect(broadcastShapes([2], [3])).toBeNull();
  });

  it('packs dims in the layout of native/gemm.cc', () => {
    const p = planMatMul([2, 1, 6, 5], [1, 3, 7, 5], false, true);
    expect(p).not.toBeNull();
    if (!p) return;
    expect(Array.from(packDims(p, 4, { strideM: 0, strideN: 1 }))).toEqual([
      6, 7, 5, 0, 1, 4, 0, 1, 2, 2, 3, 30, 0, 0, 35,
    ]);
  });
});
