/**
 * Loads the optional N-API addon (`build/Release/ppma_native.node`, built by
 * `tools/build-native.mjs` from `native/gemm.cc`). docs/ARCHITECTURE.md §3, "Native kernels".
 *
 * The addon is optional: when it is missing (no compiler or no OpenBLAS at install time), or when
 * `PPMA_NATIVE=0`, {@link loadNativeAddon} says why and the pure-wasm kernels stay in place.
 */
import fs from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

/** What the BLAS library linked into the addon reports about itself. */
export interface BlasInfo {
  /** `OpenBLAS` (Linux) or `Accelerate` (macOS). */
  readonly blas: string;
  /** Library version, e.g. `0.3.21` (empty when the library does not say). */
  readonly version: string;
  /** The library's build configuration string, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ... SkylakeX`. */
  readonly config: string;
  /** The CPU kernel set in use, e.g. `Haswell` or `SkylakeX`. */
  readonly corename: string;
  /** Threads the library computes with. */
  readonly threads: number;
}

/** The functions the compiled addon exports (see `native/gemm.cc` for the `dims` layout). */
export interface NativeAddon {
  gemm(
    a: Float32Array,
    b: Float32Array,
    out: Float32Array,
    bias: Float32Array | null,
    dims: Int32Array,
    alpha: number,
  ): void;
  setThreads(n: number): void;
  info(): BlasInfo;
}

/** Result of {@link loadNativeAddon}: the addon, or the reason it is not there. */
export type NativeLoad =
  | { readonly available: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** Where `tools/build-native.mjs` puts the compiled addon. */
export const ADDON_PATH = fileURLToPath(new URL('../build/Release/ppma_native.node', import.meta.url));

let cached: NativeLoad | null = null;

/** Whether `PPMA_NATIVE` asks for the pure-wasm path (`0`, `false`, `off`, `no`). */
export function nativeDisabledByEnv(): boolean {
  const v = (process.env.PPMA_NATIVE ?? '').trim().toLowerCase();
  return v === '0' || v === 'false' || v === 'off' || v === 'no';
}

/**
 * Loads the addon once (later calls return the same result). Never throws: a missing or broken
 * addon gives `{ available: false, reason }`.
 */
export function loadNativeAddon(): NativeLoad {
  if (nativeDisabledByEnv()) return { available: false, reason: 'disabled by PPMA_NATIVE=0' };
  if (cached) return cached;
  if (!fs.existsSync(ADDON_PATH)) {
    cached = {
      available: false,
      reason:
        `native addon not built (${ADDON_PATH} is missing); it needs a C++ compiler and OpenBLAS ` +
        `(apt-get install libopenblas-dev), then: node tools/build-native.mjs`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(ADDON_PATH) as NativeAddon;
    addon.info();
    cached = { available: true, addon, path: ADDON_PATH };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    cached = { available: false, reason: `native addon failed to load (${ADDON_PATH}): ${msg.split('\n')[0]}` };
  }
  return cached;
}
