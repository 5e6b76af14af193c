/**
 * The `native` TensorFlow.js backend (docs/ARCHITECTURE.md §3): tfjs-backend-cpu's storage (tensor
 * data in ordinary ArrayBuffers, so no 4 GiB wasm heap) with the hot kernels in C++ through the
 * N-API addon. Every cpu kernel is registered for `native` too, so any op we do not override runs
 * the cpu implementation: correct by construction, and the overridden ones warn once when they
 * have to fall back.
 */
import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { KernelConfig, KernelFunc } from '@tensorflow/tfjs-core';
import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import { gemmName, loadNativeAddon } from '../addon.js';
import type { BlasInfo, GemmIsa, GemmPath } from '../addon.js';
import type { BackendValues, DataId, DataType } from '@tensorflow/tfjs-core';
import { isPooled, release, retain } from './buffer-pool.js';
import { fallbacks, setKernelAddon } from './context.js';
import { nativeConv, nativeConvBackpropInput, nativePool } from './conv-kernels.js';
import { nativeGather, nativePad, nativeSlice, nativeSplit } from './copy-kernels.js';
import { BINARY_OPS, UNARY_OPS, nativeBinary, nativeUnary } from './elementwise-kernels.js';
import { nativeBatchToSpace, nativeSpaceToBatch } from './space-batch-kernels.js';
import { fusedKernelConfigs } from './fused-kernels.js';
import { attentionKernelConfigs } from './attention-kernels.js';
import { nativeMatMul } from './matmul-kernels.js';
import { nativeConcat, nativePack, nativeTile, nativeUnpack } from './layout-kernels.js';
import {
  COMPARE_OPS,
  nativeArgMax,
  nativeCompare,
  nativeMax,
  nativeResizeBilinear,
  nativeTopK,
} from './post-kernels.js';
import { nativeReduce, nativeSoftmax, nativeTranspose } from './reduce-kernels.js';

/** The name the backend registers under. */
export const NATIVE_BACKEND = 'native';

/**
 * The tfjs backend: cpu storage, native kernels, and recycled output buffers (`buffer-pool.ts`):
 * every tensor that refers to a pooled buffer holds it, and reads hand out copies of it.
 */
export class NativeBackend extends MathBackendCPU {
  constructor() {
    super();
    // The cpu backend's "install tfjs-node" hint does not apply: this is the fast path.
    (this as unknown as { firstUse: boolean }).firstUse = false;
  }

  override write(values: BackendValues, shape: number[], dtype: DataType): DataId {
    retain(values);
    return super.write(values, shape, dtype);
  }

  override move(dataId: DataId, values: BackendValues, shape: number[], dtype: DataType, refCount: number): void {
    if (this.data.has(dataId)) release(this.data.get(dataId).values);
    retain(values);
    super.move(dataId, values, shape, dtype, refCount);
  }

  override disposeData(dataId: DataId, force = false): boolean {
    const values = this.data.has(dataId) ? this.data.get(dataId).values : undefined;
    const done = super.disposeData(dataId, force);
    if (values !== undefined && !this.data.has(dataId)) release(values);
    return done;
  }

  override readSync(dataId: DataId): BackendValues {
    const values = this.data.get(dataId).values;
    // A pooled buffer is reused after its tensor goes: the caller gets a copy that stays valid.
    return isPooled(values) ? values.slice() : super.readSync(dataId);
  }

  override async read(dataId: DataId): Promise<BackendValues> {
    return this.readSync(dataId);
  }
}

/** Options of {@link registerNativeBackend}. */
export interface NativeBackendOptions {
  /** Kernel threads. Defaults to `PPMA_THREADS`, then the number of cores. */
  readonly threads?: number;
  /** `own` forces our GEMM even when OpenBLAS is linked (also `PPMA_GEMM=own`). */
  readonly gemm?: GemmPath;
  /** Micro-kernel of our GEMM (also `PPMA_GEMM_ISA`). */
  readonly isa?: GemmIsa;
}

/** What {@link registerNativeBackend} set up. */
export interface NativeBackendInfo {
  /** For `formatBackend`: e.g. `OpenBLAS 0.3.21` or `own GEMM AVX-512`. */
  readonly gemm: string;
  readonly threads: number;
  readonly info: BlasInfo;
}

function defaultThreads(): number {
  const env = Number(process.env.PPMA_THREADS);
  if (Number.isInteger(env) && env > 0) return env;
  return Math.max(1, os.availableParallelism());
}

/** The kernels the backend overrides with native code, built from the cpu configs they wrap. */
function nativeOverrides(cpu: (name: string) => KernelConfig): [string, KernelFunc][] {
  const list: [string, KernelFunc][] = [
    ['BatchMatMul', nativeMatMul(cpu('BatchMatMul'), false)],
    ['_FusedMatMul', nativeMatMul(cpu('_FusedMatMul'), true)],
    ['Sum', nativeReduce(cpu('Sum'), false)],
    ['Mean', nativeReduce(cpu('Mean'), true)],
    ['Softmax', nativeSoftmax(cpu('Softmax'))],
    ['Transpose', nativeTranspose(cpu('Transpose'))],
    ['Slice', nativeSlice(cpu('Slice'))],
    ['SplitV', nativeSplit(cpu('SplitV'))],
    ['PadV2', nativePad(cpu('PadV2'))],
    ['GatherV2', nativeGather(cpu('GatherV2'))],
    ['Conv2D', nativeConv(cpu('Conv2D'), false, false)],
    ['FusedConv2D', nativeConv(cpu('FusedConv2D'), true, false)],
    ['DepthwiseConv2dNative', nativeConv(cpu('DepthwiseConv2dNative'), false, true)],
    ['FusedDepthwiseConv2D', nativeConv(cpu('FusedDepthwiseConv2D'), true, true)],
    ['Conv2DBackpropInput', nativeConvBackpropInput(cpu('Conv2DBackpropInput'))],
    ['MaxPool', nativePool(cpu('MaxPool'), 0)],
    ['AvgPool', nativePool(cpu('AvgPool'), 1)],
    ['Max', nativeMax(cpu('Max'), false)],
    ['Min', nativeMax(cpu('Min'), true)],
    ['ArgMax', nativeArgMax(cpu('ArgMax'), false)],
    ['ArgMin', nativeArgMax(cpu('ArgMin'), true)],
    ['TopK', nativeTopK(cpu('TopK'))],
    ['ResizeBilinear', nativeResizeBilinear(cpu('ResizeBilinear'))],
    ['Concat', nativeConcat(cpu('Concat'))],
    ['Tile', nativeTile(cpu('Tile'))],
    ['Pack', nativePack(cpu('Pack'))],
    ['Unpack', nativeUnpack(cpu('Unpack'))],
  ];
  const parts = {
    pad: nativePad(cpu('PadV2')),
    transpose: nativeTranspose(cpu('Transpose')),
    slice: nativeSlice(cpu('Slice')),
    reshape: cpu('Reshape'),
  };
  list.push(['SpaceToBatchND', nativeSpaceToBatch(parts)], ['BatchToSpaceND', nativeBatchToSpace(parts)]);
  for (const [name, op] of Object.entries(BINARY_OPS)) list.push([name, nativeBinary(cpu(name), op)]);
  for (const [name, op] of Object.entries(UNARY_OPS)) list.push([name, nativeUnary(cpu(name), op)]);
  for (const [name, op] of Object.entries(COMPARE_OPS)) list.push([name, nativeCompare(cpu(name), op)]);
  return list;
}

/** Kernel names the backend runs natively (the rest are the cpu backend's). */
export const NATIVE_OVERRIDES = [
  'BatchMatMul',
  '_FusedMatMul',
  'Sum',
  'Mean',
  'Softmax',
  'Transpose',
  'Slice',
  'SplitV',
  'PadV2',
  'GatherV2',
  'Conv2D',
  'FusedConv2D',
  'DepthwiseConv2dNative',
  'FusedDepthwiseConv2D',
  'MaxPool',
  'AvgPool',
  'SpaceToBatchND',
  'BatchToSpaceND',
  'Max',
  'Min',
  'ArgMax',
  'ArgMin',
  'TopK',
  'ResizeBilinear',
  'Concat',
  'Tile',
  'Pack',
  'Unpack',
  ...Object.keys(BINARY_OPS),
  ...Object.keys(UNARY_OPS),
  ...Object.keys(COMPARE_OPS),
] as const;

let registered = false;

function configure(options: NativeBackendOptions): NativeBackendInfo {
  const load = loadNativeAddon();
  if (!load.available) throw new Error(load.reason);
  const { addon } = load;
  const threads = options.threads ?? defaultThreads();
  if (!Number.isInteger(threads) || threads < 1)
    throw new RangeError(`threads must be an integer >= 1, got ${threads}`);
  const gemm = options.gemm ?? ((process.env.PPMA_GEMM as GemmPath | undefined) || 'auto');
  const isa = options.isa ?? ((process.env.PPMA_GEMM_ISA as GemmIsa | undefined) || 'auto');
  addon.setGemm(gemm, isa);
  addon.setThreads(threads);
  setKernelAddon(addon);
  const info = addon.info();
  return { gemm: gemmName(info), threads, info };
}

/**
 * Registers the `native` backend (once) and configures threads and GEMM (every call). Throws with
 * the reason when the addon is unavailable (not built, or `PPMA_NATIVE=0`). It does not switch
 * to the backend: `await tf.setBackend('native')` does.
 */
export function registerNativeBackend(options: NativeBackendOptions = {}): NativeBackendInfo {
  const info = configure(options);
  if (registered) return info;
  const cpuKernels = tf.getKernelsForBackend('cpu');
  if (cpuKernels.length === 0) throw new Error('tfjs-backend-cpu registered no kernels');
  const byName = new Map(cpuKernels.map((k) => [k.kernelName, k]));
  const cpu = (name: string): KernelConfig => {
    const k = byName.get(name);
    if (!k) throw new Error(`tfjs-backend-cpu has no ${name} kernel`);
    return k;
  };
  const overrides = new Map(nativeOverrides(cpu));
  for (const k of cpuKernels) {
    if (tf.getKernel(k.kernelName, NATIVE_BACKEND)) continue;
    tf.registerKernel({ ...k, backendName: NATIVE_BACKEND, kernelFunc: overrides.get(k.kernelName) ?? k.kernelFunc });
  }
  for (const k of [...fusedKernelConfigs(NATIVE_BACKEND), ...attentionKernelConfigs(NATIVE_BACKEND)]) {
    if (!tf.getKernel(k.kernelName, NATIVE_BACKEND)) tf.registerKernel(k);
  }
  // Priority 1, as cpu: importing this package never takes over from a backend chosen elsewhere.
  tf.registerBackend(NATIVE_BACKEND, () => new NativeBackend(), 1);
  registered = true;
  return info;
}

/** Calls of overridden kernels that ran the cpu kernel instead, by `kernel: reason`. */
export function nativeFallbacks(): Record<string, number> {
  return Object.fromEntries(fallbacks);
}
