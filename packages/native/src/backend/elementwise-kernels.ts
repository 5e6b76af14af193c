/**
 * Elementwise kernels of the `native` backend: `Add`, `Sub`, `Multiply`, `RealDiv`, `Maximum`,
 * `Minimum`, `SquaredDifference` with numpy
 * broadcasting, and `Exp`, `Erf`, `Square`, `Sqrt`, `Rsqrt`, `Neg`, `Relu`, `Relu6`,
 * `Sigmoid`, `LeakyRelu`. Non-float32 inputs run the
 * cpu kernel (int32 index arithmetic is expected there, so it does not warn).
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { addon, allocF32, f32, fallBack, output, sizeOf } from './context.js';
import { planBinary } from './shapes.js';

/** Binary kernels and their addon op codes. */
export const BINARY_OPS: Readonly<Record<string, number>> = {
  Add: 0,
  Sub: 1,
  Multiply: 2,
  RealDiv: 3,
  Maximum: 4,
  Minimum: 5,
  SquaredDifference: 6,
};
/** Unary kernels and their addon op codes (`LeakyRelu` reads its `alpha` attribute). */
export const UNARY_OPS: Readonly<Record<string, number>> = {
  Exp: 0,
  Erf: 1,
  Square: 2,
  Sqrt: 3,
  Rsqrt: 4,
  Neg: 5,
  Relu: 6,
  Relu6: 7,
  Sigmoid: 8,
  LeakyRelu: 9,
};

interface BinaryArgs {
  inputs: { a: TensorInfo; b: TensorInfo };
  backend: MathBackendCPU;
}

interface UnaryArgs {
  inputs: { x: TensorInfo };
  backend: MathBackendCPU;
  attrs?: { alpha?: number };
}

/** A broadcasting binary kernel with addon op `op`. */
export function nativeBinary(cpu: KernelConfig, op: number): KernelFunc {
  return (args) => {
    const { inputs, backend } = args as unknown as BinaryArgs;
    const { a, b } = inputs;
    if (a.dtype !== 'float32' || b.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 inputs', false);
    const plan = planBinary(a.shape, b.shape);
    if (!plan) return fallBack(cpu, args, 'shape', false);
    const out = allocF32(sizeOf(plan.outShape));
    addon().binary(op, f32(backend, a), f32(backend, b), out, plan.dims);
    return output(backend, plan.outShape, out);
  };
}

/** A unary kernel with addon op `op`. */
export function nativeUnary(cpu: KernelConfig, op: number): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as UnaryArgs;
    const { x } = inputs;
    if (x.dtype !== 'float32') return fallBack(cpu, args, 'non-float32 input', false);
    const out = allocF32(sizeOf(x.shape));
    addon().unary(op, f32(backend, x), out, attrs?.alpha ?? 0.2);
    return output(backend, [...x.shape], out);
  };
}
