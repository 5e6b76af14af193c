/**
 * @ppma/native: the `native` TensorFlow.js backend (cpu storage outside the wasm heap, hot kernels
 * in C++ over OpenBLAS or our own SIMD GEMM), and the older matmul-only kernels for the wasm
 * backend (`wasm+blas`). Without the addon (no compiler at install, or `PPMA_NATIVE=0`) neither
 * is available and nothing changes. docs/ARCHITECTURE.md §3.
 */
export {
  registerNativeBackend,
  nativeFallbacks,
  NativeBackend,
  NATIVE_BACKEND,
  NATIVE_OVERRIDES,
} from './backend/native-backend.js';
export type { NativeBackendOptions, NativeBackendInfo } from './backend/native-backend.js';
export { FUSED_KERNEL_NAMES } from './backend/fused-kernels.js';
export { ATTENTION_KERNEL_NAMES } from './backend/attention-kernels.js';
export { fusedAttention, hasFusedAttention } from './attention.js';
export { poolStats, drainPool } from './backend/buffer-pool.js';
export { planBinary, planReduce } from './backend/shapes.js';
export type { BinaryPlan, ReducePlan } from './backend/shapes.js';
export {
  activateNativeMatMul,
  deactivateNativeMatMul,
  nativeStatus,
  nativeMatMulStats,
  resetNativeMatMulStats,
  NATIVE_KERNELS,
} from './activate.js';
export type { ActivateOptions, NativeActivation, NativeStatus } from './activate.js';
export { loadNativeAddon, nativeDisabledByEnv, gemmName, ADDON_PATH } from './addon.js';
export type { BlasInfo, NativeAddon, NativeLoad, GemmPath, GemmIsa } from './addon.js';
export { planMatMul, planBias, packDims, broadcastShapes } from './plan.js';
export type { GemmPlan, BiasPlan } from './plan.js';
export { ACTIVATION_CODES } from './kernels.js';
export type { MatMulStats } from './kernels.js';
