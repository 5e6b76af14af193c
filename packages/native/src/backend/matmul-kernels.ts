/**
 * `BatchMatMul` and `_FusedMatMul` of the `native` backend: the addon's batched GEMM (OpenBLAS
 * or our own SIMD GEMM) over the plan of `../plan.ts`; prelu, per-batch biases and non-float32
 * inputs run the cpu kernel.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { ACTIVATION_CODES } from '../kernels.js';
import { packDims, planBias, planMatMul } from '../plan.js';
import { addon, allocF32, allFloat32, f32, fallBack, output, sizeOf } from './context.js';

interface MatMulArgs {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo | null; preluActivationWeights?: TensorInfo | null };
  backend: MathBackendCPU;
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
}

/** The native kernel function for `BatchMatMul` (`fused` false) or `_FusedMatMul`. */
export function nativeMatMul(cpu: KernelConfig, fused: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as MatMulArgs;
    const { a, b } = inputs;
    const bias = fused ? (inputs.bias ?? null) : null;
    if (!allFloat32(a, b, bias)) return fallBack(cpu, args, 'non-float32 inputs', false);
    const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
    const code = ACTIVATION_CODES[activation];
    if (code === undefined || (fused && inputs.preluActivationWeights))
      return fallBack(cpu, args, `activation ${activation}`);
    const transA = Boolean(attrs.transposeA);
    const transB = Boolean(attrs.transposeB);
    const plan0 = planMatMul(a.shape, b.shape, transA, transB);
    if (!plan0) return fallBack(cpu, args, 'shape', false);
    const m = plan0.outShape[plan0.outShape.length - 2];
    const biasPlan = bias ? planBias(bias.shape, m, plan0.n) : null;
    if (bias && !biasPlan) return fallBack(cpu, args, 'per-batch bias');
    const plan = biasPlan && biasPlan.strideM !== 0 ? planMatMul(a.shape, b.shape, transA, transB, false) : plan0;
    if (!plan) return fallBack(cpu, args, 'shape', false);
    const out = allocF32(sizeOf(plan.outShape));
    addon().gemm(
      f32(backend, a),
      f32(backend, b),
      out,
      bias ? f32(backend, bias) : null,
      packDims(plan, code, biasPlan),
      attrs.leakyreluAlpha ?? 0.2,
    );
    return output(backend, plan.outShape, out);
  };
}
