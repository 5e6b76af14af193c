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

/** What the addon reports about its GEMM (and the BLAS library linked into it, if any). */
export interface BlasInfo {
  /** The GEMM in use: `OpenBLAS` (Linux), `Accelerate` (macOS), or `own` (our SIMD GEMM). */
  readonly blas: string;
  /** Library version, e.g. `0.3.21` (empty when the library does not say). */
  readonly version: string;
  /** The library's build configuration string, e.g. `OpenBLAS 0.3.21 DYNAMIC_ARCH ... SkylakeX`. */
  readonly config: string;
  /** The CPU kernel set in use, e.g. `Haswell` or `SkylakeX`. */
  readonly corename: string;
  /** Threads the kernels compute with. */
  readonly threads: number;
  /** The micro-kernel of our own GEMM: `AVX-512`, `AVX2` or `generic`. */
  readonly isa: string;
  /** Whether the addon was linked against a BLAS library. */
  readonly builtWithBlas: boolean;
}

/** Which GEMM runs: the linked BLAS, our own, or the BLAS when linked (`auto`). */
export type GemmPath = 'blas' | 'own' | 'auto';
/** Micro-kernel of our own GEMM; `auto` picks the best the CPU supports. */
export type GemmIsa = 'auto' | 'avx512' | 'avx2' | 'generic';

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
  /**
   * NHWC convolution (`native/conv.cc`): `dims = [batch, inH, inW, inC, outH, outW, outC, fH, fW,
   * strideH, strideW, dilH, dilW, padTop, padLeft, activation, channelMul]`.
   */
  conv2d(
    x: Float32Array,
    filter: Float32Array,
    out: Float32Array,
    bias: Float32Array | null,
    prelu: Float32Array | null,
    dims: Int32Array,
    alpha: number,
  ): void;
  /** Depthwise NHWC convolution, `dims` as {@link NativeAddon.conv2d}. */
  depthwiseConv2d(
    x: Float32Array,
    filter: Float32Array,
    out: Float32Array,
    bias: Float32Array | null,
    prelu: Float32Array | null,
    dims: Int32Array,
    alpha: number,
  ): void;
  /**
   * The gradient of an NHWC `conv2d` by its input (the transposed convolution): `dy` `[batch,
   * outH, outW, outC]`, `filter` `[fH, fW, inC, outC]` -> `dx` `[batch, inH, inW, inC]`; `dims` as
   * {@link NativeAddon.conv2d} (activation and channelMul ignored).
   */
  conv2dBackpropInput(dy: Float32Array, filter: Float32Array, dx: Float32Array, dims: Int32Array): void;
  /**
   * NHWC max (op 0) or average (op 1) pooling: `dims = [batch, inH, inW, C, outH, outW, fH, fW,
   * strideH, strideW, dilH, dilW, padTop, padLeft]`.
   */
  pool2d(op: number, x: Float32Array, out: Float32Array, dims: Int32Array): void;
  /** `dims` as {@link NativeAddon.binary}; op 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >= (`native/post-ops.cc`). */
  compare(op: number, a: Float32Array, b: Float32Array, out: Uint8Array, dims: Int32Array): void;
  /** `x: [outer, mid, inner]` -> `out: [outer, inner]`, the max (min with `isMin`) over `mid`; NaN propagates. */
  reduceMax(x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, isMin: boolean): void;
  /** As {@link NativeAddon.reduceMax}, the first index of the max (min) over `mid`. */
  argMax(x: Float32Array, out: Int32Array, outer: number, mid: number, inner: number, isMin: boolean): void;
  /** The `k` largest of each row of `x: [rows, cols]`, by value descending, ties by index ascending. */
  topK(x: Float32Array, values: Float32Array, indices: Int32Array, rows: number, cols: number, k: number): void;
  /** NHWC bilinear resize: `dims = [batch, inH, inW, C, outH, outW, alignCorners, halfPixelCenters]`. */
  resizeBilinear(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  /**
   * Fused self-attention (`native/attention.cc`): `qkv: [B*N, 3D]` -> `out: [B*N, D]`, keeping
   * `p: [B*heads, N, N]`; `dims = [batch, tokens, heads, headDim]`.
   */
  attention(qkv: Float32Array, out: Float32Array, p: Float32Array, dims: Int32Array, scale: number): void;
  /** The backward pass of {@link NativeAddon.attention}: `dy: [B*N, D]` -> `dqkv: [B*N, 3D]`. */
  attentionGrad(
    dy: Float32Array,
    qkv: Float32Array,
    p: Float32Array,
    dqkv: Float32Array,
    dims: Int32Array,
    scale: number,
  ): void;
  setThreads(n: number): void;
  /** Picks the GEMM; throws when the path or micro-kernel is unavailable. */
  setGemm(path: GemmPath, isa: GemmIsa): void;
  info(): BlasInfo;
  /** `dims = [rank, outShape, aStrides, bStrides]`; op 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 (a-b)². */
  binary(op: number, a: Float32Array, b: Float32Array, out: Float32Array, dims: Int32Array): void;
  /** op 0 exp, 1 erf, 2 square, 3 sqrt, 4 rsqrt, 5 neg, 6 relu, 7 relu6, 8 sigmoid, 9 leakyrelu (`alpha`). */
  unary(op: number, x: Float32Array, out: Float32Array, alpha?: number): void;
  /** `x: [outer, mid, inner]` -> `out: [outer, inner]`, the sum over `mid` times `scale`. */
  reduce(x: Float32Array, out: Float32Array, outer: number, mid: number, inner: number, scale: number): void;
  softmax(x: Float32Array, out: Float32Array, rows: number, cols: number): void;
  softmaxGrad(p: Float32Array, dp: Float32Array, out: Float32Array, rows: number, cols: number): void;
  gelu(x: Float32Array, out: Float32Array): void;
  geluGrad(x: Float32Array, dy: Float32Array, out: Float32Array): void;
  layerNorm(
    x: Float32Array,
    g: Float32Array,
    b: Float32Array,
    y: Float32Array,
    xhat: Float32Array,
    rstd: Float32Array,
    rows: number,
    cols: number,
    eps: number,
  ): void;
  layerNormGrad(
    dy: Float32Array,
    xhat: Float32Array,
    rstd: Float32Array,
    g: Float32Array,
    dx: Float32Array,
    dg: Float32Array,
    db: Float32Array,
    rows: number,
    cols: number,
  ): void;
  /** `dims = [rank, inShape, perm]`. */
  transpose(x: Float32Array, out: Float32Array, dims: Int32Array): void;
  /** One AdamW step over every parameter; `hyper = [lr_i / bc1, 1 - lr_i wd_i]` per parameter. */
  adamw(
    p: Float32Array[],
    g: Float32Array[],
    m: Float32Array[],
    v: Float32Array[],
    pOut: Float32Array[],
    mOut: Float32Array[],
    vOut: Float32Array[],
    hyper: Float32Array,
    beta1: number,
    beta2: number,
    eps: number,
    bc2: number,
  ): void;
}

/** Result of {@link loadNativeAddon}: the addon, or the reason it is not there. */
export type NativeLoad =
  | { readonly available: true; readonly addon: NativeAddon; readonly path: string }
  | { readonly available: false; readonly reason: string };

/** Where `tools/build-native.mjs` puts the compiled addon. */
export const ADDON_PATH = fileURLToPath(new URL('../build/Release/ppma_native.node', import.meta.url));

/**
 * The addon file to load: `PPMA_ADDON` when set (another build, e.g. to compare two builds side
 * by side in `npm run bench -- vs-torch --backends native,native@<file>`), else {@link ADDON_PATH}.
 */
export function addonPath(): string {
  const env = process.env.PPMA_ADDON;
  return env !== undefined && env !== '' ? env : ADDON_PATH;
}

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
  const file = addonPath();
  if (!fs.existsSync(file)) {
    cached = {
      available: false,
      reason:
        `native addon not built (${file} is missing); it needs a C++ compiler (OpenBLAS optional), ` +
        `then: node tools/build-native.mjs (in the monorepo) or npm rebuild @ppma/native`,
    };
    return cached;
  }
  try {
    const addon = createRequire(import.meta.url)(file) as NativeAddon;
    if (typeof addon.attention !== 'function') throw new Error('stale build: rebuild with node tools/build-native.mjs');
    addon.info();
    cached = { available: true, addon, path: file };
  } catch (e) {
    const msg = e instanceof Error ? e.message : String(e);
    cached = { available: false, reason: `native addon failed to load (${file}): ${msg.split('\n')[0]}` };
  }
  return cached;
}

/** A short name of the GEMM in use: `OpenBLAS 0.3.21`, `Accelerate` or `own GEMM AVX-512`. */
export function gemmName(info: BlasInfo): string {
  if (info.blas === 'own') return `own GEMM ${info.isa}`;
  return info.version ? `${info.blas} ${info.version}` : info.blas;
}
