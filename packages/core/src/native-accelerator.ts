/**
 * The hooks into `@ppma/native` (docs/ARCHITECTURE.md §3, "Native kernels"):
 * - {@link startNativeBackend} registers the `native` tfjs backend (C++ kernels, tensors outside
 *   the wasm heap) for `initBackend` to switch to;
 * - {@link nativeAccelerator}, on wasm, registers the OpenBLAS-backed `BatchMatMul` /
 *   `_FusedMatMul` (`wasm+blas`), and takes them out again on any other backend.
 * When the package or its addon is absent, or `PPMA_NATIVE=0`, neither is available.
 */
import type { BackendExtension } from './backend-types.js';

type NativeModule = typeof import('@ppma/native');

async function importNative(): Promise<NativeModule | null> {
  try {
    return await import('@ppma/native');
  } catch {
    return null; // the package itself is not installed
  }
}

/**
 * Registers the `native` backend with `threads` kernel threads; resolves to its GEMM label
 * (`OpenBLAS 0.3.21`, `own GEMM AVX-512`). Throws with the reason when it is unavailable.
 */
export async function startNativeBackend(threads: number): Promise<{ gemm: string; threads: number }> {
  const native = await importNative();
  if (!native) throw new Error('@ppma/native is not installed');
  const info = native.registerNativeBackend({ threads });
  return { gemm: info.gemm, threads: info.threads };
}

/** Activates `@ppma/native` on wasm; returns its label (`OpenBLAS 0.3.21, 2 threads`) or `null`. */
export const nativeAccelerator: BackendExtension = async ({ name, threads }) => {
  if (name === 'native') return null;
  const native = await importNative();
  if (!native) return null;
  if (name !== 'wasm') {
    native.deactivateNativeMatMul(`backend is ${name}`);
    return null;
  }
  try {
    const active = await native.activateNativeMatMul({ threads });
    return active ? active.label : null;
  } catch (e) {
    process.emitWarning(
      `native matmul kernels not activated, using pure wasm: ${e instanceof Error ? e.message : String(e)}`,
    );
    return null;
  }
};
