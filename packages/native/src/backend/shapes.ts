/**
 * Shape planning for the native elementwise kernels: numpy broadcasting turned into per-input
 * element strides (0 where an input repeats), with adjacent dimensions merged when both inputs
 * stay contiguous across them, so the addon's inner loop runs over as many elements as possible.
 */
import { broadcastShapes } from '../plan.js';

/** `dims` for the addon's `binary`: `[rank, outShape, aStrides, bStrides]`, plus the output shape. */
export interface BinaryPlan {
  readonly outShape: number[];
  readonly dims: Int32Array;
}

function strides(shape: readonly number[], out: readonly number[]): number[] {
  const s = new Array<number>(out.length).fill(0);
  let stride = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    const o = out.length - shape.length + i;
    s[o] = shape[i] === 1 ? 0 : stride;
    stride *= shape[i];
  }
  return s;
}

/** Plans `a op b` with broadcasting, or `null` when the shapes are incompatible or empty. */
export function planBinary(aShape: readonly number[], bShape: readonly number[]): BinaryPlan | null {
  const outShape = broadcastShapes(aShape, bShape);
  if (!outShape || outShape.some((d) => d <= 0)) return null;
  const sa = strides(aShape, outShape);
  const sb = strides(bShape, outShape);
  const shape: number[] = [];
  const as: number[] = [];
  const bs: number[] = [];
  outShape.forEach((d, i) => {
    if (d === 1) return;
    const last = shape.length - 1;
    // Merge into the previous (outer) dim when both inputs are contiguous across the pair.
    if (last >= 0 && as[last] === sa[i] * d && bs[last] === sb[i] * d) {
      shape[last] *= d;
      as[last] = sa[i];
      bs[last] = sb[i];
    } else {
      shape.push(d);
      as.push(sa[i]);
      bs.push(sb[i]);
    }
  });
  if (shape.length === 0) {
    shape.push(1);
    as.push(0);
    bs.push(0);
  }
  const r = shape.length;
  const dims = new Int32Array(1 + 3 * r);
  dims[0] = r;
  dims.set(shape, 1);
  dims.set(as, 1 + r);
  dims.set(bs, 1 + 2 * r);
  return { outShape, dims };
}

/** Normalised reduction axes, or `null` when they are not a leading or trailing run of dimensions. */
export interface ReducePlan {
  readonly outer: number;
  readonly inner: number;
  /** 0: reduce the trailing `inner` elements of each row; 1: reduce over the leading `outer`. */
  readonly mode: 0 | 1;
  readonly count: number;
  readonly outShape: number[];
}

/** Plans a sum over `axes` of `shape` as row sums or column sums of a 2-D view. */
export function planReduce(shape: readonly number[], axes: readonly number[], keepDims: boolean): ReducePlan | null {
  const rank = shape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  if (set.size === 0 || [...set].some((a) => a < 0 || a >= rank)) return null;
  const sorted = [...set].sort((x, y) => x - y);
  const trailing = sorted.every((a, i) => a === rank - sorted.length + i);
  const leading = sorted.every((a, i) => a === i);
  if (!trailing && !leading) return null;
  const reduced = sorted.reduce((p, a) => p * shape[a], 1);
  const total = shape.reduce((p, d) => p * d, 1);
  if (total === 0) return null;
  const kept = total / reduced;
  const outShape = keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
  return trailing
    ? { outer: kept, inner: reduced, mode: 0, count: reduced, outShape }
    : { outer: reduced, inner: kept, mode: 1, count: reduced, outShape };
}
