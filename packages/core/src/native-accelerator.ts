/**
 * The optional native matmul accelerator for the wasm backend (docs/ARCHITECTURE.md §3, "Native kernels"):
 * when the backend is wasm, `@ppma/native` registers OpenBLAS-backed `BatchMatMul` /
 * `_FusedMatMul` kernels. When the addon is absent or `PPMA_NATIVE=0`, the wasm kernels stay.
 */
import type { BackendExtension } from './backend.js';

/** Activates `@ppma/native` on wasm; returns its label (`OpenBLAS 0.3.21, 2 threads`) or `null`. */
export const nativeAccelerator: BackendExtension = async ({ name, threads }) => {
  let native: typeof import('@ppma/native');
  try {
    native = await import('@ppma/native');
  } catch {
    return null; // the package itself is not installed: pure wasm
  }
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
