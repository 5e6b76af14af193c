/**
 * What every native kernel of the `native` backend shares: the addon, typed views of tensor data
 * held by the backend (tfjs-backend-cpu's storage: plain ArrayBuffers outside any wasm heap), and
 * the one-time warning when a hot kernel falls back to the cpu implementation.
 */
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import type { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import type { NativeAddon } from '../addon.js';
export { allocF32 } from './buffer-pool.js';

/** The arguments tfjs passes a kernel function. */
export type KernelArgs = Parameters<KernelFunc>[0];

/** The addon every kernel calls (set once by the backend registration). */
let current: NativeAddon | null = null;

/** Sets the addon the kernels call. */
export function setKernelAddon(addon: NativeAddon): void {
  current = addon;
}

/** The addon; throws when the backend was never registered. */
export function addon(): NativeAddon {
  if (!current) throw new Error('the native backend is not registered (registerNativeBackend() first)');
  return current;
}

/**
 * The float32 values of `t` held by `backend`: no copy when they are stored as a `Float32Array`.
 * tfjs-backend-cpu's `Cast` from int32 (or bool) to float32 shares the input's data, so a float32
 * tensor may hold an `Int32Array` or `Uint8Array`; those are converted (a copy, never written back,
 * since the int32 tensor shares the storage).
 */
export function f32(backend: MathBackendCPU, t: TensorInfo): Float32Array {
  const values = backend.data.get(t.dataId).values;
  if (values instanceof Float32Array) return values;
  if (ArrayBuffer.isView(values) && !(values instanceof DataView)) {
    return Float32Array.from(values as unknown as ArrayLike<number>);
  }
  throw new Error(`native backend: a float32 tensor of shape [${t.shape.join(', ')}] holds no numeric data`);
}

/** A new float32 tensor on `backend` wrapping `values` (no copy). */
export function output(backend: MathBackendCPU, shape: number[], values: Float32Array): TensorInfo {
  return backend.makeTensorInfo(shape, 'float32', values);
}

/** Element count of a shape. */
export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((p, d) => p * d, 1);
}

/** Fall-backs to the cpu kernels, by kernel name and reason. */
export const fallbacks = new Map<string, number>();
const warned = new Set<string>();

/**
 * Runs the cpu kernel instead, counting the fall-back; warns once per kernel name and reason
 * unless it is expected (e.g. int32 index arithmetic), so that a slow path is never silent.
 */
export function fallBack(cpu: KernelConfig, args: KernelArgs, reason: string, warn = true): ReturnType<KernelFunc> {
  const key = `${cpu.kernelName}: ${reason}`;
  fallbacks.set(key, (fallbacks.get(key) ?? 0) + 1);
  if (warn && !warned.has(key)) {
    warned.add(key);
    process.emitWarning(`native backend: ${key}; running the cpu kernel (correct, slower)`, {
      code: 'PPMA_NATIVE_FALLBACK',
    });
  }
  return cpu.kernelFunc(args);
}

/** Whether every input is float32. */
export function allFloat32(...ts: (TensorInfo | null | undefined)[]): boolean {
  return ts.every((t) => !t || t.dtype === 'float32');
}
