/**
 * Post-processing kernels of the `native` backend for the segmenters and detectors
 * (docs/ARCHITECTURE.md §3): `Equal`, `NotEqual`, `Less`, `LessEqual`, `Greater`, `GreaterEqual`
 * with broadcasting (bool output), `Max` / `Min` over a contiguous run of axes, `ArgMax` /
 * `ArgMin`, `TopK` along the last axis and `ResizeBilinear` (NHWC), in C++ (`native/post-ops.cc`).
 * Non-float32 inputs run the cpu kernels (int32 index arithmetic is expected there: no warning).
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, f32, fallBack, output, sizeOf } from './context.js';
import { planBinary, planReduce } from './shapes.js';

/** Comparison kernels and their addon op codes. */
export const COMPARE_OPS: Readonly<Record<string, number>> = {
  Equal: 0,
  NotEqual: 1,
  Less: 2,
  LessEqual: 3,
  Greater: 4,
  GreaterEqual: 5,
};

type Args<I> = { inputs: I; backend: MathBackendCPU; attrs: Record<string, unknown> };

/** A broadcasting comparison with addon op `op`; the output is a bool tensor. */
export function nativeCompare(cpu: KernelConfig, op: number): KernelFunc {
  return (args) => {
    const { inputs, backend } = args as unknown as Args<{ a: TensorInfo; b: TensorInfo }>;
    const { a, b } = inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 inputs', false);
    const plan = planBinary(a.shape, b.shape);
    if (!plan) return fallBack(cpu, args, 'shape', false);
    const out = new Uint8Array(sizeOf(plan.outShape));
    addon().compare(op, f32(backend, a), f32(backend, b), out, plan.dims);
    return backend.makeTensorInfo(plan.outShape, 'bool', out);
  };
}

/** `Max` (`min` false) or `Min` over their axes. */
export function nativeMax(cpu: KernelConfig, min: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ x: TensorInfo }>;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    // tfjs names the attribute `reductionIndices` for Max and `axis` for Min.
    const axes = tf.util.parseAxisParam((min ? attrs.axis : attrs.reductionIndices) as number | number[], x.shape);
    const plan = planReduce(x.shape, axes, Boolean(attrs.keepDims));
    if (!plan) return fallBack(cpu, args, `axes [${axes.join(',')}] of rank ${x.shape.length}`, axes.length > 0);
    const out = allocF32(plan.outer * plan.inner);
    addon().reduceMax(f32(backend, x), out, plan.outer, plan.mid, plan.inner, min);
    return output(backend, plan.outShape, out);
  };
}

/** `ArgMax` (`min` false) or `ArgMin` along one axis; int32 output. */
export function nativeArgMax(cpu: KernelConfig, min: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ x: TensorInfo }>;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const axes = tf.util.parseAxisParam(attrs.axis as number | number[], x.shape);
    const plan = axes.length === 1 ? planReduce(x.shape, axes, false) : null;
    if (!plan) return fallBack(cpu, args, `axis [${axes.join(',')}]`);
    const out = new Int32Array(plan.outer * plan.inner);
    addon().argMax(f32(backend, x), out, plan.outer, plan.mid, plan.inner, min);
    return backend.makeTensorInfo(plan.outShape, 'int32', out);
  };
}

/** `TopK` along the last axis (always sorted: the order is unspecified when `sorted` is false). */
export function nativeTopK(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ x: TensorInfo }>;
    const { x } = inputs;
    const k = Number(attrs.k);
    const cols = x.shape[x.shape.length - 1] ?? 0;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    if (!(Number.isInteger(k) && k >= 0 && k <= cols && cols > 0)) return fallBack(cpu, args, `k ${k} of ${cols}`);
    const rows = sizeOf(x.shape) / cols;
    const shape = [...x.shape.slice(0, -1), k];
    const values = allocF32(rows * k);
    const indices = new Int32Array(rows * k);
    addon().topK(f32(backend, x), values, indices, rows, cols, k);
    return [output(backend, shape, values), backend.makeTensorInfo(shape, 'int32', indices)];
  };
}

/** `ResizeBilinear` of NHWC float32 images. */
export function nativeResizeBilinear(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as Args<{ images: TensorInfo }>;
    const { images } = inputs;
    if (images.dtype !== 'float32' || images.shape.length !== 4 || sizeOf(images.shape) === 0)
      return fallBack(cpu, args, 'non-float32 or empty input', false);
    const [newH, newW] = attrs.size as [number, number];
    const [batch, h, w, c] = images.shape;
    const shape = [batch, newH, newW, c];
    if (sizeOf(shape) === 0) return fallBack(cpu, args, 'empty output', false);
    const out = allocF32(sizeOf(shape));
    const dims = Int32Array.from([
      batch,
      h,
      w,
      c,
      newH,
      newW,
      attrs.alignCorners ? 1 : 0,
      attrs.halfPixelCenters ? 1 : 0,
    ]);
    addon().resizeBilinear(f32(backend, images), out, dims);
    return output(backend, shape, out);
  };
}
