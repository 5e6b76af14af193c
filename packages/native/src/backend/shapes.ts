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

/** A reduction over a contiguous run of axes, as `[outer, mid, inner] -> [outer, inner]`. */
export interface ReducePlan {
  readonly outer: number;
  /** The reduced elements per output element. */
  readonly mid: number;
  readonly inner: number;
  readonly outShape: number[];
}

/** Plans a sum over `axes` of `shape`, or `null` when the axes are empty or not one contiguous run. */
export function planReduce(shape: readonly number[], axes: readonly number[], keepDims: boolean): ReducePlan | null {
  const rank = shape.length;
  const set = new Set(axes.map((a) => (a < 0 ? a + rank : a)));
  if (set.size === 0 || [...set].some((a) => a < 0 || a >= rank)) return null;
  const sorted = [...set].sort((x, y) => x - y);
  if (!sorted.every((a, i) => a === sorted[0] + i)) return null;
  const first = sorted[0];
  const last = sorted[sorted.length - 1];
  const prod = (from: number, to: number) => shape.slice(from, to).reduce((p, d) => p * d, 1);
  const outer = prod(0, first);
  const mid = prod(first, last + 1);
  const inner = prod(last + 1, rank);
  if (outer * mid * inner === 0) return null;
  const outShape = keepDims ? shape.map((d, i) => (set.has(i) ? 1 : d)) : shape.filter((_, i) => !set.has(i));
  return { outer, mid, inner, outShape };
}
