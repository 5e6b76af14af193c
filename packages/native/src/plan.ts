/**
 * Turns a tfjs `BatchMatMul` / `_FusedMatMul` request (shapes, transposes, bias shape) into the
 * strided batched-GEMM the addon runs, or `null` when the request is one the native path does not
 * handle (the original wasm kernel then runs and reports any error itself).
 *
 * Batch dimensions broadcast numpy-style (right-aligned; a size-1 or missing dimension repeats).
 * Dimensions of size 1 are dropped, contiguous ones merged, and when `b` is shared by every batch
 * and `a` is dense and untransposed, the batch folds into the row count: one large GEMM instead of
 * many small ones (a dense layer applied to `[B, N, D]` tokens).
 */

/** A strided batched GEMM: `out[i] = op(a[i]) op(b[i]) (+ bias)`, `i` over `batchShape`. */
export interface GemmPlan {
  /** Rows of each output matrix. */
  readonly m: number;
  /** Columns of each output matrix. */
  readonly n: number;
  /** The contracted dimension. */
  readonly k: number;
  readonly transA: boolean;
  readonly transB: boolean;
  /** The shape of the tfjs output tensor: `[...broadcast batch dims, M, N]`. */
  readonly outShape: number[];
  /** Batch dimensions the addon loops over (after dropping 1s, merging and folding). */
  readonly batchShape: number[];
  /** Element strides of `a` per batch dimension (0 where `a` broadcasts). */
  readonly aStrides: number[];
  /** Element strides of `b` per batch dimension (0 where `b` broadcasts). */
  readonly bStrides: number[];
}

/** How a bias broadcasts over one `M x N` output matrix. */
export interface BiasPlan {
  /** Elements between bias rows (0 when the bias is the same for every row). */
  readonly strideM: number;
  /** 1 when the bias varies along N, else 0. */
  readonly strideN: number;
}

/** Numpy-style broadcast of two shapes, or `null` when they are incompatible. */
export function broadcastShapes(a: readonly number[], b: readonly number[]): number[] | null {
  const rank = Math.max(a.length, b.length);
  const out: number[] = [];
  for (let i = 0; i < rank; i++) {
    const da = a[a.length - rank + i] ?? 1;
    const db = b[b.length - rank + i] ?? 1;
    if (da !== db && da !== 1 && db !== 1) return null;
    out.push(da === 1 ? db : da);
  }
  return out;
}

/** Strides (in elements) of `dims` when broadcast to `outDims`, each matrix being `matSize` elements. */
function batchStrides(dims: readonly number[], outDims: readonly number[], matSize: number): number[] {
  const strides = new Array<number>(outDims.length).fill(0);
  let stride = matSize;
  for (let i = dims.length - 1; i >= 0; i--) {
    const o = outDims.length - dims.length + i;
    strides[o] = dims[i] === 1 ? 0 : stride;
    stride *= dims[i];
  }
  return strides;
}

/**
 * Plans a matmul of `a` (`[..., M, K]`, or `[..., K, M]` when `transA`) and `b` (`[..., K, N]`, or
 * `[..., N, K]` when `transB`). `allowFold` permits folding the batch into M (not when a bias
 * varies along M). Returns `null` for cases left to the original kernel: rank < 2, mismatched
 * inner dimensions, incompatible batch dimensions, empty tensors, or sizes beyond int32.
 */
export function planMatMul(
  aShape: readonly number[],
  bShape: readonly number[],
  transA: boolean,
  transB: boolean,
  allowFold = true,
): GemmPlan | null {
  if (aShape.length < 2 || bShape.length < 2) return null;
  const ra = aShape.length;
  const rb = bShape.length;
  const m = transA ? aShape[ra - 1] : aShape[ra - 2];
  const k = transA ? aShape[ra - 2] : aShape[ra - 1];
  const kb = transB ? bShape[rb - 1] : bShape[rb - 2];
  const n = transB ? bShape[rb - 2] : bShape[rb - 1];
  if (k !== kb || m <= 0 || n <= 0 || k <= 0) return null;
  const aOuter = aShape.slice(0, -2);
  const bOuter = bShape.slice(0, -2);
  const outOuter = broadcastShapes(aOuter, bOuter);
  if (!outOuter || outOuter.some((d) => d <= 0)) return null;
  const outShape = [...outOuter, m, n];
  const total = outShape.reduce((p, d) => p * d, 1);
  const sizeA = aShape.reduce((p, d) => p * d, 1);
  const sizeB = bShape.reduce((p, d) => p * d, 1);
  if (Math.max(total, sizeA, sizeB) > 0x7fffffff) return null;

  const sa = batchStrides(aOuter, outOuter, m * k);
  const sb = batchStrides(bOuter, outOuter, k * n);
  // Drop size-1 batch dims, then merge a dim into the previous one when both strides compose.
  let shape: number[] = [];
  let as: number[] = [];
  let bs: number[] = [];
  outOuter.forEach((d, i) => {
    if (d === 1) return;
    const last = shape.length - 1;
    if (last >= 0 && as[last] === sa[i] * d && bs[last] === sb[i] * d) {
      shape[last] *= d;
      as[last] = sa[i];
      bs[last] = sb[i];
    } else {
      shape.push(d);
      as.push(sa[i]);
      bs.push(sb[i]);
    }
  });
  let rows = m;
  // Fold: b shared by every batch, a dense and untransposed -> one GEMM with batch*M rows.
  if (allowFold && !transA && shape.length === 1 && bs[0] === 0 && as[0] === m * k) {
    rows = m * shape[0];
    shape = [];
    as = [];
    bs = [];
  }
  return { m: rows, n, k, transA, transB, outShape, batchShape: shape, aStrides: as, bStrides: bs };
}

/**
 * Plans a bias that broadcasts to `outShape` (`[..., M, N]`). Only biases that are the same for
 * every batch matrix are handled (`[]`, `[N]`, `[1, N]`, `[M, 1]`, `[M, N]`, with leading 1s);
 * other shapes give `null`.
 */
export function planBias(biasShape: readonly number[], m: number, n: number): BiasPlan | null {
  const r = biasShape.length;
  if (biasShape.slice(0, Math.max(0, r - 2)).some((d) => d !== 1)) return null;
  const bn = r >= 1 ? biasShape[r - 1] : 1;
  const bm = r >= 2 ? biasShape[r - 2] : 1;
  if ((bn !== 1 && bn !== n) || (bm !== 1 && bm !== m)) return null;
  return { strideM: bm === 1 ? 0 : bn, strideN: bn === 1 ? 0 : 1 };
}

/** Packs a plan into the `dims` array of the addon's `gemm` (layout in `native/gemm.cc`). */
export function packDims(plan: GemmPlan, activation: number, bias: BiasPlan | null): Int32Array {
  const r = plan.batchShape.length;
  const dims = new Int32Array(9 + 3 * r);
  dims.set([
    plan.m,
    plan.n,
    plan.k,
    plan.transA ? 1 : 0,
    plan.transB ? 1 : 0,
    activation,
    bias?.strideM ?? 0,
    bias?.strideN ?? 0,
    r,
  ]);
  dims.set(plan.batchShape, 9);
  dims.set(plan.aStrides, 9 + r);
  dims.set(plan.bStrides, 9 + 2 * r);
  return dims;
}
