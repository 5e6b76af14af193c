// Post-processing kernels of the native tfjs backend for the segmenters and detectors
// (docs/ARCHITECTURE.md §3, "Native kernels"): broadcasting comparisons into bool, max/min and
// arg-max/arg-min over one contiguous run of axes, top-k along the last axis, and bilinear
// resizing of NHWC images. Semantics follow tfjs-backend-cpu's kernels (first index on ties,
// NaN propagates through max/min, top-k sorted by value then by index).
#include <algorithm>
#include <cmath>
#include <numeric>
#include <vector>

#include "broadcast.h"
#include "napi-util.h"
#include "pool.h"

namespace ppma {
namespace {

constexpr long kGrain = 1L << 15;

template <int OP>
static inline uint8_t Cmp(float a, float b) {
  return OP == 0   ? a == b
         : OP == 1 ? a != b
         : OP == 2 ? a < b
         : OP == 3 ? a <= b
         : OP == 4 ? a > b
                   : a >= b;
}

template <int OP>
void CmpRow(const float* a, long sa, const float* b, long sb, uint8_t* y, long n) {
  if (sa == 1 && sb == 1) {
    for (long i = 0; i < n; ++i) y[i] = Cmp<OP>(a[i], b[i]);
  } else if (sa == 1 && sb == 0) {
    const float bv = b[0];
    for (long i = 0; i < n; ++i) y[i] = Cmp<OP>(a[i], bv);
  } else {
    for (long i = 0; i < n; ++i) y[i] = Cmp<OP>(a[i * sa], b[i * sb]);
  }
}

using CmpFn = void (*)(const float*, long, const float*, long, uint8_t*, long);
const CmpFn kCmpRows[] = {CmpRow<0>, CmpRow<1>, CmpRow<2>, CmpRow<3>, CmpRow<4>, CmpRow<5>};

// compare(op, a, b, out, dims): dims as binary() in ops.cc; op 0 ==, 1 !=, 2 <, 3 <=, 4 >, 5 >=.
napi_value Compare(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!Args(env, info, 5, argv, "compare(op, a, b, out, dims)")) return nullptr;
  double opd;
  Typed<float> a, b;
  Typed<uint8_t> y;
  Typed<int32_t> dims;
  if (!Num(env, argv[0], "compare: op", &opd) || !F32(env, argv[1], "compare: a", &a) ||
      !F32(env, argv[2], "compare: b", &b) || !U8(env, argv[3], "compare: out", &y) ||
      !I32(env, argv[4], "compare: dims", &dims))
    return nullptr;
  const int op = static_cast<int>(opd);
  if (op < 0 || op > 5) return Throw(env, "compare: unknown op");
  return BroadcastRows(env, "compare", a, b, y, dims, kGrain, kCmpRows[op]);
}

bool Sizes(napi_env env, napi_value* v, long* outer, long* mid, long* inner) {
  double o, m, i;
  if (!Num(env, v[0], "outer", &o) || !Num(env, v[1], "mid", &m) || !Num(env, v[2], "inner", &i)) return false;
  *outer = static_cast<long>(o);
  *mid = static_cast<long>(m);
  *inner = static_cast<long>(i);
  if (*outer < 1 || *mid < 1 || *inner < 1) {
    Throw(env, "outer, mid and inner must be >= 1");
    return false;
  }
  return true;
}

// Max (min when `is_min`) over mid of x[outer, mid, inner] for outputs [o0, o1) of outer.
void MaxBlock(const float* x, float* y, long o0, long o1, long mid, long inner, bool is_min) {
  for (long o = o0; o < o1; ++o) {
    const float* xo = x + o * mid * inner;
    float* yo = y + o * inner;
    std::copy(xo, xo + inner, yo);
    for (long m = 1; m < mid; ++m) {
      const float* row = xo + m * inner;
      for (long i = 0; i < inner; ++i) {
        const float v = row[i];
        // NaN propagates (tfjs-backend-cpu's max/min).
        if (v != v || (is_min ? v < yo[i] : v > yo[i])) yo[i] = (yo[i] != yo[i]) ? yo[i] : v;
      }
    }
  }
}

void ArgBlock(const float* x, int32_t* y, long o0, long o1, long mid, long inner, bool is_min) {
  std::vector<float> best(inner);
  for (long o = o0; o < o1; ++o) {
    const float* xo = x + o * mid * inner;
    int32_t* yo = y + o * inner;
    std::copy(xo, xo + inner, best.begin());
    std::fill(yo, yo + inner, 0);
    for (long m = 1; m < mid; ++m) {
      const float* row = xo + m * inner;
      for (long i = 0; i < inner; ++i) {
        if (is_min ? row[i] < best[i] : row[i] > best[i]) {
          best[i] = row[i];
          yo[i] = static_cast<int32_t>(m);
        }
      }
    }
  }
}

// reduceMax(x, out, outer, mid, inner, isMin): out[outer, inner] = max (min) over mid.
napi_value ReduceMax(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "reduceMax(x, out, outer, mid, inner, isMin)")) return nullptr;
  Typed<float> x, y;
  long outer, mid, inner;
  bool is_min = false;
  if (!F32(env, argv[0], "reduceMax: x", &x) || !F32(env, argv[1], "reduceMax: out", &y) ||
      !Sizes(env, argv + 2, &outer, &mid, &inner) || napi_get_value_bool(env, argv[5], &is_min) != napi_ok)
    return nullptr;
  if (!Fits(env, x, outer * mid * inner, "reduceMax: x") || !Fits(env, y, outer * inner, "reduceMax: out")) return nullptr;
  ParallelRange(outer, std::max<long>(1, kGrain / (mid * inner)),
                [&](long b, long e) { MaxBlock(x.data, y.data, b, e, mid, inner, is_min); });
  return nullptr;
}

// argMax(x, out, outer, mid, inner, isMin): out[outer, inner] = first index of the max (min) over mid.
napi_value ArgMax(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "argMax(x, out, outer, mid, inner, isMin)")) return nullptr;
  Typed<float> x;
  Typed<int32_t> y;
  long outer, mid, inner;
  bool is_min = false;
  if (!F32(env, argv[0], "argMax: x", &x) || !I32(env, argv[1], "argMax: out", &y) ||
      !Sizes(env, argv + 2, &outer, &mid, &inner) || napi_get_value_bool(env, argv[5], &is_min) != napi_ok)
    return nullptr;
  if (!Fits(env, x, outer * mid * inner, "argMax: x") || !Fits(env, y, outer * inner, "argMax: out")) return nullptr;
  ParallelRange(outer, std::max<long>(1, kGrain / (mid * inner)),
                [&](long b, long e) { ArgBlock(x.data, y.data, b, e, mid, inner, is_min); });
  return nullptr;
}

// topK(x, values, indices, rows, cols, k): the k largest of each row, by value descending, ties
// by index ascending.
napi_value TopK(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "topK(x, values, indices, rows, cols, k)")) return nullptr;
  Typed<float> x, vals;
  Typed<int32_t> idx;
  double rd, cd, kd;
  if (!F32(env, argv[0], "topK: x", &x) || !F32(env, argv[1], "topK: values", &vals) ||
      !I32(env, argv[2], "topK: indices", &idx) || !Num(env, argv[3], "topK: rows", &rd) ||
      !Num(env, argv[4], "topK: cols", &cd) || !Num(env, argv[5], "topK: k", &kd))
    return nullptr;
  const long rows = static_cast<long>(rd), cols = static_cast<long>(cd), k = static_cast<long>(kd);
  if (rows < 0 || cols < 1 || k < 0 || k > cols) return Throw(env, "topK: need rows >= 0, cols >= 1, 0 <= k <= cols");
  if (!Fits(env, x, rows * cols, "topK: x") || !Fits(env, vals, rows * k, "topK: values") ||
      !Fits(env, idx, rows * k, "topK: indices"))
    return nullptr;
  ParallelRange(rows, std::max<long>(1, kGrain / cols), [&](long r0, long r1) {
    std::vector<int32_t> order(cols);
    for (long r = r0; r < r1; ++r) {
      const float* xr = x.data + r * cols;
      std::iota(order.begin(), order.end(), 0);
      auto before = [xr](int32_t i, int32_t j) { return xr[i] > xr[j] || (xr[i] == xr[j] && i < j); };
      if (k < cols) std::nth_element(order.begin(), order.begin() + k, order.end(), before);
      std::sort(order.begin(), order.begin() + k, before);
      for (long j = 0; j < k; ++j) {
        idx.data[r * k + j] = order[j];
        vals.data[r * k + j] = xr[order[j]];
      }
    }
  });
  return nullptr;
}

struct Axis {
  long lo, hi;
  float frac;
};

// Source rows (or columns) of each output row for bilinear resizing, as tfjs-backend-cpu.
std::vector<Axis> ResizeAxis(long in, long out, bool align, bool half) {
  const double ratio = (align && out > 1) ? static_cast<double>(in - 1) / (out - 1) : static_cast<double>(in) / out;
  std::vector<Axis> ax(out);
  for (long i = 0; i < out; ++i) {
    const double src = half ? ratio * (i + 0.5) - 0.5 : ratio * i;
    const long lo = std::max<long>(0, static_cast<long>(std::floor(src)));
    const long hi = std::min<long>(in - 1, static_cast<long>(std::ceil(src)));
    ax[i] = {lo, hi, static_cast<float>(src - lo)};
  }
  return ax;
}

// resizeBilinear(x, out, dims = [batch, inH, inW, C, outH, outW, alignCorners, halfPixelCenters]).
napi_value ResizeBilinear(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv, "resizeBilinear(x, out, dims)")) return nullptr;
  Typed<float> x, y;
  Typed<int32_t> dims;
  if (!F32(env, argv[0], "resizeBilinear: x", &x) || !F32(env, argv[1], "resizeBilinear: out", &y) ||
      !I32(env, argv[2], "resizeBilinear: dims", &dims))
    return nullptr;
  if (dims.length != 8) return Throw(env, "resizeBilinear: dims must have 8 entries");
  const int32_t* d = dims.data;
  const long batch = d[0], ih = d[1], iw = d[2], ch = d[3], oh = d[4], ow = d[5];
  if (batch < 1 || ih < 1 || iw < 1 || ch < 1 || oh < 1 || ow < 1) return Throw(env, "resizeBilinear: sizes must be >= 1");
  if (!Fits(env, x, batch * ih * iw * ch, "resizeBilinear: x") || !Fits(env, y, batch * oh * ow * ch, "resizeBilinear: out"))
    return nullptr;
  const std::vector<Axis> rows = ResizeAxis(ih, oh, d[6] != 0, d[7] != 0);
  const std::vector<Axis> cols = ResizeAxis(iw, ow, d[6] != 0, d[7] != 0);
  ParallelRange(batch * oh, std::max<long>(1, kGrain / (ow * ch)), [&](long r0, long r1) {
    for (long br = r0; br < r1; ++br) {
      const long b = br / oh;
      const Axis& ry = rows[br % oh];
      const float* top = x.data + (b * ih + ry.lo) * iw * ch;
      const float* bot = x.data + (b * ih + ry.hi) * iw * ch;
      float* out = y.data + br * ow * ch;
      for (long c = 0; c < ow; ++c) {
        const Axis& cx = cols[c];
        const float *tl = top + cx.lo * ch, *tr = top + cx.hi * ch, *bl = bot + cx.lo * ch, *bq = bot + cx.hi * ch;
        for (long k = 0; k < ch; ++k) {
          const float t = tl[k] + (tr[k] - tl[k]) * cx.frac;
          const float u = bl[k] + (bq[k] - bl[k]) * cx.frac;
          out[c * ch + k] = t + (u - t) * ry.frac;
        }
      }
    }
  });
  return nullptr;
}

}  // namespace

void DefinePostOps(napi_env env, napi_value exports) {
  Define(env, exports, "compare", Compare);
  Define(env, exports, "reduceMax", ReduceMax);
  Define(env, exports, "argMax", ArgMax);
  Define(env, exports, "topK", TopK);
  Define(env, exports, "resizeBilinear", ResizeBilinear);
}

}  // namespace ppma
