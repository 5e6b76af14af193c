/**
 * The types of compute-backend selection (docs/ARCHITECTURE.md §3), apart from `backend.ts` so
 * that the backend hooks (`native-accelerator.ts`) can name them without importing it.
 */
/** The compute backends PPMA-TS knows, best first. */
export const BACKENDS = ['tfjs-node-gpu', 'tfjs-node', 'native', 'wasm', 'cpu'] as const;

/** A compute backend name. */
export type BackendName = (typeof BACKENDS)[number];

/** What runs: reported by {@link describeBackend} and printed by every command. */
export interface BackendInfo {
  /** Our name for the backend. */
  readonly name: BackendName;
  /** The name TensorFlow.js registered it under (`tensorflow`, `native`, `wasm`, `cpu`). */
  readonly tfBackend: string;
  /** Threads the backend computes with. */
  readonly threads: number;
  /** Whether wasm SIMD is in use (`null` where the question does not apply). */
  readonly simd: boolean | null;
  /**
   * The GEMM of the native backend (`OpenBLAS 0.3.21`, `own GEMM AVX-512`), or a native
   * accelerator wired into wasm (`OpenBLAS 0.3.21, 2 threads`), or `null`.
   */
  readonly accelerator: string | null;
  /** Why earlier candidates were skipped, when the backend was picked automatically. */
  readonly skipped: readonly string[];
}

/** Options of {@link initBackend}. */
export interface BackendOptions {
  /** Force a backend. Defaults to `PPMA_BACKEND`, then automatic selection. */
  readonly backend?: BackendName | 'auto';
  /** Threads for backends that take a thread count. Defaults to `PPMA_THREADS`, then the core count. */
  readonly threads?: number;
  /**
   * The order automatic selection tries (default {@link BACKENDS}). Convolution-heavy work (the
   * human-removal segmenters and detectors) passes {@link CONVOLUTION_BACKENDS}: the native backend
   * has native convolutions, but some detector post-processing kernels (TopK, ArgMax, comparisons,
   * resizing) still run on tfjs's JS cpu kernels, so wasm's XNNPACK is still as fast or faster there.
   */
  readonly autoOrder?: readonly BackendName[];
}

/** Automatic order for convolution-heavy work: wasm ahead of native (see {@link BackendOptions.autoOrder}). */
export const CONVOLUTION_BACKENDS: readonly BackendName[] = ['tfjs-node-gpu', 'tfjs-node', 'wasm', 'native', 'cpu'];

/**
 * A hook run after a backend is set, for optional native accelerators (e.g. BLAS kernels for wasm).
 * It returns a label such as `OpenBLAS 0.3.21` when it activated, or `null`.
 */
export type BackendExtension = (info: { name: BackendName; threads: number }) => Promise<string | null>;
