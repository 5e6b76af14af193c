/**
 * Data-movement kernels of the `native` backend: `Slice`, `SplitV`, `PadV2` and `GatherV2` of
 * float32 tensors as block copies over the longest contiguous runs (`TypedArray.set`, i.e.
 * memcpy), where the cpu kernels walk every element with index arithmetic. Other dtypes and
 * batched gathers run the cpu kernels.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { allocF32, f32, fallBack, output, sizeOf } from './context.js';

function stridesOf(shape: readonly number[]): number[] {
  const s = new Array<number>(shape.length).fill(1);
  for (let i = shape.length - 2; i >= 0; i--) s[i] = s[i + 1] * shape[i + 1];
  return s;
}

/**
 * Copies the box `size` at `begin` of `src` (shape `srcShape`) to `dstBegin` of `dst` (shape
 * `dstShape`), one contiguous run at a time.
 */
export function copyBox(
  src: Float32Array,
  srcShape: readonly number[],
  begin: readonly number[],
  size: readonly number[],
  dst: Float32Array,
  dstShape: readonly number[],
  dstBegin: readonly number[],
): void {
  const rank = size.length;
  if (size.some((d) => d === 0)) return;
  const ss = stridesOf(srcShape);
  const ds = stridesOf(dstShape);
  // Trailing dims the box spans fully in both arrays join the contiguous run.
  let k = rank - 1;
  let run = size[k] ?? 1;
  while (k > 0 && size[k] === srcShape[k] && size[k] === dstShape[k]) {
    k--;
    run *= size[k];
  }
  const outerDims = size.slice(0, k);
  const idx = new Array<number>(k).fill(0);
  let so = 0;
  let dof = 0;
  for (let i = 0; i < rank; i++) {
    so += begin[i] * ss[i];
    dof += dstBegin[i] * ds[i];
  }
  const total = outerDims.reduce((p, d) => p * d, 1);
  for (let t = 0; t < total; t++) {
    let s = so;
    let d = dof;
    for (let i = 0; i < k; i++) {
      s += idx[i] * ss[i];
      d += idx[i] * ds[i];
    }
    if (run >= 16) dst.set(src.subarray(s, s + run), d);
    else for (let j = 0; j < run; j++) dst[d + j] = src[s + j];
    for (let i = k - 1; i >= 0; i--) {
      if (++idx[i] < outerDims[i]) break;
      idx[i] = 0;
    }
  }
}

type Args = { inputs: Record<string, TensorInfo>; backend: MathBackendCPU; attrs: Record<string, unknown> };

/** `Slice`. */
export function nativeSlice(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const [begin, size] = tf.slice_util.parseSliceParams(x, attrs.begin as number[], attrs.size as number[]);
    const out = allocF32(sizeOf(size));
    copyBox(f32(backend, x), x.shape, begin, size, out, size, new Array<number>(size.length).fill(0));
    return output(backend, size, out);
  };
}

/** `SplitV`. */
export function nativeSplit(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const splits = tf.backend_util.prepareSplitSize(x as tf.Tensor, attrs.numOrSizeSplits as number[], axis);
    const begin = new Array<number>(x.shape.length).fill(0);
    const zero = new Array<number>(x.shape.length).fill(0);
    const src = f32(backend, x);
    return splits.map((s) => {
      const size = [...x.shape];
      size[axis] = s;
      const out = allocF32(sizeOf(size));
      copyBox(src, x.shape, begin, size, out, size, zero);
      begin[axis] += s;
      return output(backend, size, out);
    });
  };
}

/** `PadV2` (constant padding). */
export function nativePad(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const paddings = attrs.paddings as [number, number][];
    const shape = x.shape.map((d, i) => paddings[i][0] + d + paddings[i][1]);
    const out = allocF32(sizeOf(shape));
    out.fill(Number(attrs.constantValue ?? 0));
    copyBox(
      f32(backend, x),
      x.shape,
      new Array<number>(x.shape.length).fill(0),
      x.shape,
      out,
      shape,
      paddings.map((p) => p[0]),
    );
    return output(backend, shape, out);
  };
}

/** `GatherV2` along one axis (no batch dims). */
export function nativeGather(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args;
    const { x, indices } = inputs;
    if (x.dtype !== 'float32' || indices.dtype !== 'int32' || Number(attrs.batchDims ?? 0) !== 0)
      return fallBack(cpu, args, 'dtype or batchDims', false);
    const axis = tf.util.parseAxisParam(attrs.axis as number, x.shape)[0];
    const idx = backend.data.get(indices.dataId).values as Int32Array;
    const dim = x.shape[axis];
    if (idx.some((i) => i < 0 || i >= dim)) return fallBack(cpu, args, 'index out of range', false);
    const outer = sizeOf(x.shape.slice(0, axis));
    const inner = sizeOf(x.shape.slice(axis + 1));
    const shape = [...x.shape.slice(0, axis), ...indices.shape, ...x.shape.slice(axis + 1)];
    const out = allocF32(sizeOf(shape));
    const src = f32(backend, x);
    let d = 0;
    for (let o = 0; o < outer; o++) {
      const base = o * dim * inner;
      for (let j = 0; j < idx.length; j++, d += inner) {
        const s = base + idx[j] * inner;
        if (inner >= 16) out.set(src.subarray(s, s + inner), d);
        else for (let q = 0; q < inner; q++) out[d + q] = src[s + q];
      }
    }
    return output(backend, shape, out);
  };
}
