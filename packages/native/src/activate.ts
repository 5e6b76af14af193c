/**
 * Registers the native matmul kernels for the tfjs wasm backend, and restores the originals.
 * docs/ARCHITECTURE.md §3: only `BatchMatMul` and `_FusedMatMul` go native; wasm keeps every other op.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { gemmName, loadNativeAddon } from './addon.js';
import type { BlasInfo } from './addon.js';
import { makeNativeMatMul, resetStats, stats } from './kernels.js';
import type { MatMulStats } from './kernels.js';

/** The kernels this package replaces. */
export const NATIVE_KERNELS = ['BatchMatMul', '_FusedMatMul'] as const;

/** Options of {@link activateNativeMatMul}. */
export interface ActivateOptions {
  /** BLAS threads. Defaults to `PPMA_THREADS`, then the number of cores. */
  readonly threads?: number;
}

/** What is active after {@link activateNativeMatMul}. */
export interface NativeActivation {
  /** For logs and `describeBackend()`: e.g. `OpenBLAS 0.3.21, 2 threads`. */
  readonly label: string;
  /** BLAS threads in use. */
  readonly threads: number;
  /** What the BLAS library reports. */
  readonly info: BlasInfo;
}

/** The result of an activation attempt: active, or the reason it is not. */
export type NativeStatus =
  ({ readonly active: true } & NativeActivation) | { readonly active: false; readonly reason: string };

// Marks our kernel functions so that a second copy of this module can find the true original.
const ORIGINAL = Symbol.for('@ppma/native.originalKernel');
type MarkedKernel = KernelFunc & { [ORIGINAL]?: KernelFunc };

const originals = new Map<string, KernelConfig>();
let status: NativeStatus = { active: false, reason: 'not activated yet' };

function defaultThreads(): number {
  const env = Number(process.env.PPMA_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism());
}

function blasLabel(info: BlasInfo, threads: number): string {
  return `${gemmName(info)}, ${threads} thread${threads === 1 ? '' : 's'}`;
}

/**
 * Loads the addon and registers the native `BatchMatMul` / `_FusedMatMul` for the wasm backend
 * (idempotent: a second call only changes the thread count). Resolves to `null`, leaving the wasm
 * kernels in place, when the addon is unavailable or `PPMA_NATIVE=0`; {@link nativeStatus} then
 * says why.
 */
export async function activateNativeMatMul(options: ActivateOptions = {}): Promise<NativeActivation | null> {
  const load = loadNativeAddon();
  if (!load.available) {
    deactivateNativeMatMul(load.reason);
    return null;
  }
  await import('@tensorflow/tfjs-backend-wasm'); // registers the wasm kernels we wrap
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be an integer >= 1, got ${threads}`);
  const { addon } = load;
  addon.setThreads(threads);
  for (const name of NATIVE_KERNELS) {
    if (originals.has(name)) continue;
    const current = tf.getKernel(name, 'wasm');
    if (!current) throw new Error(`the wasm backend has no ${name} kernel to wrap`);
    const prior = (current.kernelFunc as MarkedKernel)[ORIGINAL];
    const original: KernelConfig = prior ? { ...current, kernelFunc: prior } : current;
    const kernelFunc: MarkedKernel = makeNativeMatMul(addon, original.kernelFunc, name === '_FusedMatMul');
    kernelFunc[ORIGINAL] = original.kernelFunc;
    originals.set(name, original);
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ ...original, kernelFunc });
  }
  const info = addon.info();
  const activation: NativeActivation = { label: blasLabel(info, info.threads || threads), threads, info };
  status = { active: true, ...activation };
  return activation;
}

/** Puts the original wasm kernels back (no-op when not active). */
export function deactivateNativeMatMul(reason = 'deactivated'): void {
  for (const [name, config] of originals) {
    tf.unregisterKernel(name, 'wasm');
    tf.registerKernel(config);
  }
  originals.clear();
  status = { active: false, reason };
}

/** Whether the native kernels are registered, with the BLAS label, or the reason they are not. */
export function nativeStatus(): NativeStatus {
  return status;
}

/** Calls that ran natively / fell through since the last reset, with fall-through reasons. */
export function nativeMatMulStats(): MatMulStats {
  return { native: stats.native, fallthrough: stats.fallthrough, reasons: { ...stats.reasons } };
}

/** Resets {@link nativeMatMulStats}. */
export function resetNativeMatMulStats(): void {
  resetStats();
}
