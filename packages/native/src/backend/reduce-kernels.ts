/**
 * `Sum`, `Mean`, `Softmax` and `Transpose` of the `native` backend. Reductions over one
 * contiguous run of axes, and softmax over the last axis, run natively; other cases the cpu kernel.
 */
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, f32, fallBack, output, sizeOf } from './context.js';
import { planReduce } from './shapes.js';

interface ReduceArgs {
  inputs: { x: TensorInfo };
  backend: MathBackendCPU;
  attrs: { axis: number | number[]; keepDims: boolean };
}

/** `Sum` (`mean` false) or `Mean`. */
export function nativeReduce(cpu: KernelConfig, mean: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as ReduceArgs;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const axes = tf.util.parseAxisParam(attrs.axis, x.shape);
    const plan = planReduce(x.shape, axes, attrs.keepDims);
    if (!plan)
      return fallBack(
        cpu,
        args,
        axes.length === 0 ? 'no axes' : `axes [${axes.join(',')}] of rank ${x.shape.length}`,
        axes.length > 0,
      );
    const out = allocF32(plan.outer * plan.inner);
    addon().reduce(f32(backend, x), out, plan.outer, plan.mid, plan.inner, mean ? 1 / plan.mid : 1);
    return output(backend, plan.outShape, out);
  };
}

interface SoftmaxArgs {
  inputs: { logits: TensorInfo };
  backend: MathBackendCPU;
  attrs: { dim: number };
}

/** `Softmax` over the last axis. */
export function nativeSoftmax(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as SoftmaxArgs;
    const { logits } = inputs;
    const rank = logits.shape.length;
    const dim = attrs.dim < 0 ? attrs.dim + rank : attrs.dim;
    if (logits.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    if (dim !== rank - 1 || sizeOf(logits.shape) === 0) return fallBack(cpu, args, `axis ${attrs.dim}`);
    const cols = logits.shape[rank - 1];
    const out = allocF32(sizeOf(logits.shape));
    addon().softmax(f32(backend, logits), out, out.length / cols, cols);
    return output(backend, [...logits.shape], out);
  };
}

interface TransposeArgs {
  inputs: { x: TensorInfo };
  backend: MathBackendCPU;
  attrs: { perm: number[] };
}

/** `Transpose` of float32 tensors. */
export function nativeTranspose(cpu: KernelConfig): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as TransposeArgs;
    const { x } = inputs;
    if (x.dtype !== 'float32' || sizeOf(x.shape) === 0) return fallBack(cpu, args, 'non-float32 or empty', false);
    const rank = x.shape.length;
    const dims = new Int32Array(1 + 2 * rank);
    dims[0] = rank;
    dims.set(x.shape, 1);
    dims.set(attrs.perm, 1 + rank);
    const out = allocF32(sizeOf(x.shape));
    addon().transpose(f32(backend, x), out, dims);
    return output(
      backend,
      attrs.perm.map((p) => x.shape[p]),
      out,
    );
  };
}
