/**
 * @ppma/native: optional native matmul kernels for the tfjs wasm backend. `BatchMatMul` and
 * `_FusedMatMul` run on OpenBLAS `cblas_sgemm` through a small N-API addon; everything else stays
 * on wasm. Without the addon (no compiler or OpenBLAS at install, or `PPMA_NATIVE=0`) nothing
 * changes. docs/ARCHITECTURE.md §3.
 */
export {
  activateNativeMatMul,
  deactivateNativeMatMul,
  nativeStatus,
  nativeMatMulStats,
  resetNativeMatMulStats,
  NATIVE_KERNELS,
} from './activate.js';
export type { ActivateOptions, NativeActivation, NativeStatus } from './activate.js';
export { loadNativeAddon, nativeDisabledByEnv, ADDON_PATH } from './addon.js';
export type { BlasInfo, NativeAddon, NativeLoad } from './addon.js';
export { planMatMul, planBias, packDims, broadcastShapes } from './plan.js';
export type { GemmPlan, BiasPlan } from './plan.js';
export { ACTIVATION_CODES } from './kernels.js';
export type { MatMulStats } from './kernels.js';
