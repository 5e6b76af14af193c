// Elementwise, reduction, softmax, GELU, LayerNorm, transpose and AdamW kernels of the native
// tfjs backend (docs/ARCHITECTURE.md §3, "Native kernels"). Each loop carries clones for AVX-512,
// AVX2 and the baseline, picked at load time (GCC/Clang target_clones). Large arrays are split
// over the thread pool.
#include <cmath>
#include <cstring>
#include <string>
#include <vector>

#include "broadcast.h"
#include "math.h"
#include "napi-util.h"
#include "pool.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__linux__) && !defined(__clang__)
#define PPMA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PPMA_CLONES
#endif

namespace ppma {
namespace {

constexpr long kGrain = 1L << 15;  // elements per thread below which a loop stays on one thread

// ---- elementwise -------------------------------------------------------------------------------

PPMA_CLONES void UnaryLoop(int op, const float* x, float* y, long n, float alpha) {
  switch (op) {
    case 6:
      for (long i = 0; i < n; ++i) y[i] = x[i] > 0.f ? x[i] : 0.f;
      break;
    case 7:
      for (long i = 0; i < n; ++i) y[i] = x[i] < 0.f ? 0.f : (x[i] > 6.f ? 6.f : x[i]);
      break;
    case 8:
      for (long i = 0; i < n; ++i) y[i] = 1.f / (1.f + std::exp(-x[i]));
      break;
    case 9:
      for (long i = 0; i < n; ++i) y[i] = x[i] < 0.f ? alpha * x[i] : x[i];
      break;
    case 0:
      for (long i = 0; i < n; ++i) y[i] = FastExp(x[i]);
      break;
    case 1:
      for (long i = 0; i < n; ++i) y[i] = FastErf(x[i]);
      break;
    case 2:
      for (long i = 0; i < n; ++i) y[i] = x[i] * x[i];
      break;
    case 3:
      for (long i = 0; i < n; ++i) y[i] = std::sqrt(x[i]);
      break;
    case 4:
      for (long i = 0; i < n; ++i) y[i] = 1.f / std::sqrt(x[i]);
      break;
    case 5:
      for (long i = 0; i < n; ++i) y[i] = -x[i];
      break;
    default:
      break;
  }
}

template <int OP>
static inline float Bin(float a, float b) {
  // 4 max and 5 min propagate NaN from either side, as tfjs's cpu kernels (Math.max / Math.min).
  return OP == 0   ? a + b
         : OP == 1 ? a - b
         : OP == 2 ? a * b
         : OP == 3 ? a / b
         : OP == 4 ? ((a > b || a != a) ? a : b)
         : OP == 5 ? ((a < b || a != a) ? a : b)
                   : (a - b) * (a - b);
}

template <int OP>
PPMA_CLONES void BinRow(const float* a, long sa, const float* b, long sb, float* y, long n) {
  if (sa == 1 && sb == 1) {
    for (long i = 0; i < n; ++i) y[i] = Bin<OP>(a[i], b[i]);
  } else if (sa == 1) {
    const float bv = b[0];
    if (sb == 0) {
      for (long i = 0; i < n; ++i) y[i] = Bin<OP>(a[i], bv);
    } else {
      for (long i = 0; i < n; ++i) y[i] = Bin<OP>(a[i], b[i * sb]);
    }
  } else if (sb == 1 && sa == 0) {
    const float av = a[0];
    for (long i = 0; i < n; ++i) y[i] = Bin<OP>(av, b[i]);
  } else {
    for (long i = 0; i < n; ++i) y[i] = Bin<OP>(a[i * sa], b[i * sb]);
  }
}

using RowFn = void (*)(const float*, long, const float*, long, float*, long);
const RowFn kBinRows[] = {BinRow<0>, BinRow<1>, BinRow<2>, BinRow<3>, BinRow<4>, BinRow<5>, BinRow<6>};

// binary(op, a, b, out, dims = [rank, outShape[rank], aStrides[rank], bStrides[rank]])
// op: 0 add, 1 sub, 2 mul, 3 div, 4 max, 5 min, 6 squared difference. Strides are in elements, 0 where an input broadcasts.
napi_value Binary(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!Args(env, info, 5, argv, "binary(op, a, b, out, dims)")) return nullptr;
  double opd;
  Typed<float> a, b, y;
  Typed<int32_t> dims;
  if (!Num(env, argv[0], "binary: op", &opd) || !F32(env, argv[1], "binary: a", &a) ||
      !F32(env, argv[2], "binary: b", &b) || !F32(env, argv[3], "binary: out", &y) ||
      !I32(env, argv[4], "binary: dims", &dims)) {
    return nullptr;
  }
  const int op = static_cast<int>(opd);
  if (op < 0 || op > 6) return Throw(env, "binary: unknown op");
  return BroadcastRows(env, "binary", a, b, y, dims, kGrain, kBinRows[op]);
}

// unary(op, x, out): op 0 exp, 1 erf, 2 square, 3 sqrt, 4 rsqrt, 5 neg.
napi_value Unary(napi_env env, napi_callback_info info) {
  // unary(op, x, out[, alpha]): alpha is the slope of leakyrelu (op 9).
  napi_value argv[4];
  size_t argc = 4;
  napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr);
  if (argc < 3) return Throw(env, "unary(op, x, out[, alpha]): expected at least 3 arguments");
  double opd, alpha = 0;
  Typed<float> x, y;
  if (!Num(env, argv[0], "unary: op", &opd) || !F32(env, argv[1], "unary: x", &x) || !F32(env, argv[2], "unary: out", &y))
    return nullptr;
  if (argc > 3 && !Num(env, argv[3], "unary: alpha", &alpha)) return nullptr;
  const int op = static_cast<int>(opd);
  if (op < 0 || op > 9) return Throw(env, "unary: unknown op");
  const long n = static_cast<long>(x.length);
  if (!Fits(env, y, n, "unary: out")) return nullptr;
  const float a = static_cast<float>(alpha);
  ParallelRange(n, kGrain, [&](long b, long e) { UnaryLoop(op, x.data + b, y.data + b, e - b, a); });
  return nullptr;
}

// ---- reductions, softmax ----------------------------------------------------------------------

PPMA_CLONES void RowSums(const float* x, float* y, long r0, long r1, long inner, float scale) {
  for (long r = r0; r < r1; ++r) {
    const float* row = x + r * inner;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < inner; ++i) s += row[i];
    y[r] = s * scale;
  }
}

// y[c] = scale * sum_r x[r * cols + c] for c in [c0, c1).
PPMA_CLONES void ColSums(const float* x, float* y, long rows, long c0, long c1, long cols, float scale) {
  for (long c = c0; c < c1; ++c) y[c] = 0.f;
  for (long r = 0; r < rows; ++r) {
    const float* row = x + r * cols;
    for (long c = c0; c < c1; ++c) y[c] += row[c];
  }
  for (long c = c0; c < c1; ++c) y[c] *= scale;
}

// reduce(x, out, outer, mid, inner, scale): x is [outer, mid, inner]; out[outer, inner] is the
// sum over mid, times scale (1/mid for a mean).
napi_value Reduce(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "reduce(x, out, outer, mid, inner, scale)")) return nullptr;
  Typed<float> x, y;
  double outer_d, mid_d, inner_d, scale_d;
  if (!F32(env, argv[0], "reduce: x", &x) || !F32(env, argv[1], "reduce: out", &y) ||
      !Num(env, argv[2], "reduce: outer", &outer_d) || !Num(env, argv[3], "reduce: mid", &mid_d) ||
      !Num(env, argv[4], "reduce: inner", &inner_d) || !Num(env, argv[5], "reduce: scale", &scale_d))
    return nullptr;
  const long outer = static_cast<long>(outer_d), mid = static_cast<long>(mid_d), inner = static_cast<long>(inner_d);
  const float scale = static_cast<float>(scale_d);
  if (outer < 1 || mid < 1 || inner < 1) return Throw(env, "reduce: sizes must be >= 1");
  if (!Fits(env, x, outer * mid * inner, "reduce: x") || !Fits(env, y, outer * inner, "reduce: out")) return nullptr;
  if (inner == 1) {
    ParallelRange(outer, std::max<long>(1, kGrain / mid), [&](long b, long e) { RowSums(x.data, y.data, b, e, mid, scale); });
  } else if (outer >= Pool::Get().Threads()) {
    ParallelRange(outer, std::max<long>(1, kGrain / (mid * inner)), [&](long b, long e) {
      for (long o = b; o < e; ++o) ColSums(x.data + o * mid * inner, y.data + o * inner, mid, 0, inner, inner, scale);
    });
  } else {
    for (long o = 0; o < outer; ++o) {
      const float* xo = x.data + o * mid * inner;
      float* yo = y.data + o * inner;
      ParallelRange(inner, std::max<long>(16, kGrain / mid), [&](long b, long e) { ColSums(xo, yo, mid, b, e, inner, scale); });
    }
  }
  return nullptr;
}

PPMA_CLONES void SoftmaxRows(const float* x, float* y, long r0, long r1, long cols) {
  for (long r = r0; r < r1; ++r) {
    const float* xr = x + r * cols;
    float* yr = y + r * cols;
    float mx = xr[0];
#pragma omp simd reduction(max : mx)
    for (long i = 1; i < cols; ++i) mx = xr[i] > mx ? xr[i] : mx;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < cols; ++i) {
      yr[i] = FastExp(xr[i] - mx);
      s += yr[i];
    }
    const float inv = 1.f / s;
    for (long i = 0; i < cols; ++i) yr[i] *= inv;
  }
}

// dx = p * (dp - sum(dp * p)) per row.
PPMA_CLONES void SoftmaxGradRows(const float* p, const float* dp, float* dx, long r0, long r1, long cols) {
  for (long r = r0; r < r1; ++r) {
    const float* pr = p + r * cols;
    const float* dr = dp + r * cols;
    float* xr = dx + r * cols;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < cols; ++i) s += pr[i] * dr[i];
    for (long i = 0; i < cols; ++i) xr[i] = pr[i] * (dr[i] - s);
  }
}

bool RowsCols(napi_env env, napi_value vr, napi_value vc, long* rows, long* cols) {
  double r, c;
  if (!Num(env, vr, "rows", &r) || !Num(env, vc, "cols", &c)) return false;
  *rows = static_cast<long>(r);
  *cols = static_cast<long>(c);
  if (*rows < 0 || *cols < 1) {
    Throw(env, "rows must be >= 0 and cols >= 1");
    return false;
  }
  return true;
}

// softmax(x, out, rows, cols): softmax over the last axis.
napi_value Softmax(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!Args(env, info, 4, argv, "softmax(x, out, rows, cols)")) return nullptr;
  Typed<float> x, y;
  long rows, cols;
  if (!F32(env, argv[0], "softmax: x", &x) || !F32(env, argv[1], "softmax: out", &y) ||
      !RowsCols(env, argv[2], argv[3], &rows, &cols) || !Fits(env, x, rows * cols, "softmax: x") ||
      !Fits(env, y, rows * cols, "softmax: out"))
    return nullptr;
  ParallelRange(rows, std::max<long>(1, kGrain / cols), [&](long b, long e) { SoftmaxRows(x.data, y.data, b, e, cols); });
  return nullptr;
}

// softmaxGrad(p, dp, out, rows, cols)
napi_value SoftmaxGrad(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!Args(env, info, 5, argv, "softmaxGrad(p, dp, out, rows, cols)")) return nullptr;
  Typed<float> p, dp, y;
  long rows, cols;
  if (!F32(env, argv[0], "softmaxGrad: p", &p) || !F32(env, argv[1], "softmaxGrad: dp", &dp) ||
      !F32(env, argv[2], "softmaxGrad: out", &y) || !RowsCols(env, argv[3], argv[4], &rows, &cols) ||
      !Fits(env, p, rows * cols, "softmaxGrad: p") || !Fits(env, dp, rows * cols, "softmaxGrad: dp") ||
      !Fits(env, y, rows * cols, "softmaxGrad: out"))
    return nullptr;
  ParallelRange(rows, std::max<long>(1, kGrain / cols),
                [&](long b, long e) { SoftmaxGradRows(p.data, dp.data, y.data, b, e, cols); });
  return nullptr;
}

}  // namespace

void DefineNormOps(napi_env env, napi_value exports);

void DefineOps(napi_env env, napi_value exports) {
  Define(env, exports, "binary", Binary);
  Define(env, exports, "unary", Unary);
  Define(env, exports, "reduce", Reduce);
  Define(env, exports, "softmax", Softmax);
  Define(env, exports, "softmaxGrad", SoftmaxGrad);
  DefineNormOps(env, exports);
}

}  // namespace ppma
