/**
 * The native `BatchMatMul` and `_FusedMatMul` kernel functions for the tfjs wasm backend
 * (docs/ARCHITECTURE.md §3, "Native kernels"). They read the inputs in place from the wasm heap
 * (`backend.typedArrayFromHeap`), allocate the output with `backend.makeOutput` and let the addon
 * write into it. Views are taken after `makeOutput`, because allocating can grow wasm memory and
 * detach earlier views. Every case they do not handle goes to the kernel registered before them.
 */
import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { NativeAddon } from './addon.js';
import { packDims, planBias, planMatMul } from './plan.js';

/** The part of tfjs-backend-wasm's `BackendWasm` these kernels use. */
export interface WasmHeapBackend {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array | Int32Array | Uint8Array;
  disposeData(dataId: TensorInfo['dataId']): boolean;
}

/** Codes of tfjs-backend-wasm's `FusableActivation`, for the activations the addon applies. */
export const ACTIVATION_CODES: Readonly<Record<string, number>> = {
  linear: 0,
  relu: 1,
  relu6: 2,
  leakyrelu: 4,
  sigmoid: 5,
  elu: 6,
};

/** Calls counted per path, and why calls fell through (reason -> count). */
export interface MatMulStats {
  native: number;
  fallthrough: number;
  reasons: Record<string, number>;
}

/** Counters shared by both kernels; reset with {@link resetStats}. */
export const stats: MatMulStats = { native: 0, fallthrough: 0, reasons: {} };

/** Zeroes {@link stats}. */
export function resetStats(): void {
  stats.native = 0;
  stats.fallthrough = 0;
  stats.reasons = {};
}

interface MatMulArgs {
  inputs: { a: TensorInfo; b: TensorInfo; bias?: TensorInfo | null; preluActivationWeights?: TensorInfo | null };
  backend: WasmHeapBackend;
  attrs: { transposeA?: boolean; transposeB?: boolean; activation?: string; leakyreluAlpha?: number };
}

function fallThrough(original: KernelFunc, args: Parameters<KernelFunc>[0], reason: string): ReturnType<KernelFunc> {
  stats.fallthrough++;
  stats.reasons[reason] = (stats.reasons[reason] ?? 0) + 1;
  return original(args);
}

/**
 * Builds the native kernel function for `BatchMatMul` (`fused = false`) or `_FusedMatMul`
 * (`fused = true`), falling through to `original` for unhandled cases.
 */
export function makeNativeMatMul(addon: NativeAddon, original: KernelFunc, fused: boolean): KernelFunc {
  return (args) => {
    const { inputs, backend, attrs } = args as unknown as MatMulArgs;
    const { a, b } = inputs;
    const bias = fused ? (inputs.bias ?? null) : null;
    if (a.dtype !== 'float32' || b.dtype !== 'float32' || (bias && bias.dtype !== 'float32')) {
      return fallThrough(original, args, 'dtype');
    }
    const activation = fused ? (attrs.activation ?? 'linear') : 'linear';
    const code = ACTIVATION_CODES[activation];
    if (code === undefined || (fused && inputs.preluActivationWeights))
      return fallThrough(original, args, `activation ${activation}`);
    const transA = Boolean(attrs.transposeA);
    const transB = Boolean(attrs.transposeB);
    const plan0 = planMatMul(a.shape, b.shape, transA, transB);
    if (!plan0) return fallThrough(original, args, 'shape');
    const m = plan0.outShape[plan0.outShape.length - 2];
    const biasPlan = bias ? planBias(bias.shape, m, plan0.n) : null;
    if (bias && !biasPlan) return fallThrough(original, args, 'bias shape');
    // A bias that varies along M cannot follow the batch folded into M.
    const plan = biasPlan && biasPlan.strideM !== 0 ? planMatMul(a.shape, b.shape, transA, transB, false) : plan0;
    if (!plan) return fallThrough(original, args, 'shape');

    const out = backend.makeOutput(plan.outShape, 'float32');
    try {
      // Views only after makeOutput: allocating may have grown (and detached) wasm memory.
      const av = backend.typedArrayFromHeap(a) as Float32Array;
      const bv = backend.typedArrayFromHeap(b) as Float32Array;
      const ov = backend.typedArrayFromHeap(out) as Float32Array;
      const biasView = bias ? (backend.typedArrayFromHeap(bias) as Float32Array) : null;
      addon.gemm(av, bv, ov, biasView, packDims(plan, code, biasPlan), attrs.leakyreluAlpha ?? 0.2);
    } catch (e) {
      backend.disposeData(out.dataId);
      throw e;
    }
    stats.native++;
    return out;
  };
}
