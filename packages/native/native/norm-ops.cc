// GELU, LayerNorm (forward and backward), transpose and the fused AdamW update of the native tfjs
// backend (docs/ARCHITECTURE.md §3, "Native kernels"). See ops.cc for the conventions.
#include <cmath>
#include <cstring>
#include <vector>

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

constexpr long kGrain = 1L << 15;
constexpr float kInvSqrt2 = 0.70710678118654752f;
constexpr float kInvSqrt2Pi = 0.39894228040143268f;

// Exact GELU x * Phi(x) with Phi(x) = (1 + erf(x / sqrt 2)) / 2.
PPMA_CLONES void GeluLoop(const float* x, float* y, long n) {
  for (long i = 0; i < n; ++i) y[i] = x[i] * 0.5f * (1.f + FastErf(x[i] * kInvSqrt2));
}

// dx = dy * (Phi(x) + x phi(x)).
PPMA_CLONES void GeluGradLoop(const float* x, const float* dy, float* dx, long n) {
  for (long i = 0; i < n; ++i) {
    const float v = x[i];
    const float cdf = 0.5f * (1.f + FastErf(v * kInvSqrt2));
    const float pdf = FastExp(-0.5f * v * v) * kInvSqrt2Pi;
    dx[i] = dy[i] * (cdf + v * pdf);
  }
}

napi_value Gelu(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!Args(env, info, 2, argv, "gelu(x, out)")) return nullptr;
  Typed<float> x, y;
  if (!F32(env, argv[0], "gelu: x", &x) || !F32(env, argv[1], "gelu: out", &y)) return nullptr;
  const long n = static_cast<long>(x.length);
  if (!Fits(env, y, n, "gelu: out")) return nullptr;
  ParallelRange(n, kGrain, [&](long b, long e) { GeluLoop(x.data + b, y.data + b, e - b); });
  return nullptr;
}

napi_value GeluGrad(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv, "geluGrad(x, dy, out)")) return nullptr;
  Typed<float> x, dy, y;
  if (!F32(env, argv[0], "geluGrad: x", &x) || !F32(env, argv[1], "geluGrad: dy", &dy) ||
      !F32(env, argv[2], "geluGrad: out", &y))
    return nullptr;
  const long n = static_cast<long>(x.length);
  if (!Fits(env, dy, n, "geluGrad: dy") || !Fits(env, y, n, "geluGrad: out")) return nullptr;
  ParallelRange(n, kGrain, [&](long b, long e) { GeluGradLoop(x.data + b, dy.data + b, y.data + b, e - b); });
  return nullptr;
}

// y = xhat * g + b with xhat = (x - mean) * rstd, rstd = 1 / sqrt(var + eps) (biased variance).
PPMA_CLONES void LayerNormRows(const float* x, const float* g, const float* b, float* y, float* xhat, float* rstd,
                               long r0, long r1, long cols, float eps) {
  for (long r = r0; r < r1; ++r) {
    const float* xr = x + r * cols;
    float* hr = xhat + r * cols;
    float* yr = y + r * cols;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < cols; ++i) s += xr[i];
    const float mean = s / cols;
    float q = 0.f;
#pragma omp simd reduction(+ : q)
    for (long i = 0; i < cols; ++i) {
      const float d = xr[i] - mean;
      q += d * d;
    }
    const float rs = 1.f / std::sqrt(q / cols + eps);
    rstd[r] = rs;
    for (long i = 0; i < cols; ++i) {
      hr[i] = (xr[i] - mean) * rs;
      yr[i] = hr[i] * g[i] + b[i];
    }
  }
}

// dx = rstd * (dxhat - mean(dxhat) - xhat * mean(dxhat * xhat)), dxhat = dy * g; partial sums of
// dg = sum(dy * xhat) and db = sum(dy) over rows [r0, r1) into pdg, pdb.
PPMA_CLONES void LayerNormGradRows(const float* dy, const float* xhat, const float* rstd, const float* g, float* dx,
                                   float* pdg, float* pdb, long r0, long r1, long cols) {
  for (long r = r0; r < r1; ++r) {
    const float* dr = dy + r * cols;
    const float* hr = xhat + r * cols;
    float* xr = dx + r * cols;
    float m1 = 0.f, m2 = 0.f;
#pragma omp simd reduction(+ : m1, m2)
    for (long i = 0; i < cols; ++i) {
      const float d = dr[i] * g[i];
      m1 += d;
      m2 += d * hr[i];
      pdg[i] += dr[i] * hr[i];
      pdb[i] += dr[i];
    }
    m1 /= cols;
    m2 /= cols;
    const float rs = rstd[r];
    for (long i = 0; i < cols; ++i) xr[i] = rs * (dr[i] * g[i] - m1 - hr[i] * m2);
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

// layerNorm(x, g, b, y, xhat, rstd, rows, cols, eps)
napi_value LayerNorm(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!Args(env, info, 9, argv, "layerNorm(x, g, b, y, xhat, rstd, rows, cols, eps)")) return nullptr;
  Typed<float> x, g, b, y, xhat, rstd;
  long rows, cols;
  double eps;
  if (!F32(env, argv[0], "layerNorm: x", &x) || !F32(env, argv[1], "layerNorm: g", &g) ||
      !F32(env, argv[2], "layerNorm: b", &b) || !F32(env, argv[3], "layerNorm: y", &y) ||
      !F32(env, argv[4], "layerNorm: xhat", &xhat) || !F32(env, argv[5], "layerNorm: rstd", &rstd) ||
      !RowsCols(env, argv[6], argv[7], &rows, &cols) || !Num(env, argv[8], "layerNorm: eps", &eps))
    return nullptr;
  const long n = rows * cols;
  if (!Fits(env, x, n, "layerNorm: x") || !Fits(env, g, cols, "layerNorm: g") || !Fits(env, b, cols, "layerNorm: b") ||
      !Fits(env, y, n, "layerNorm: y") || !Fits(env, xhat, n, "layerNorm: xhat") || !Fits(env, rstd, rows, "layerNorm: rstd"))
    return nullptr;
  ParallelRange(rows, std::max<long>(1, kGrain / cols), [&](long r0, long r1) {
    LayerNormRows(x.data, g.data, b.data, y.data, xhat.data, rstd.data, r0, r1, cols, static_cast<float>(eps));
  });
  return nullptr;
}

// layerNormGrad(dy, xhat, rstd, g, dx, dg, db, rows, cols)
napi_value LayerNormGrad(napi_env env, napi_callback_info info) {
  napi_value argv[9];
  if (!Args(env, info, 9, argv, "layerNormGrad(dy, xhat, rstd, g, dx, dg, db, rows, cols)")) return nullptr;
  Typed<float> dy, xhat, rstd, g, dx, dg, db;
  long rows, cols;
  if (!F32(env, argv[0], "layerNormGrad: dy", &dy) || !F32(env, argv[1], "layerNormGrad: xhat", &xhat) ||
      !F32(env, argv[2], "layerNormGrad: rstd", &rstd) || !F32(env, argv[3], "layerNormGrad: g", &g) ||
      !F32(env, argv[4], "layerNormGrad: dx", &dx) || !F32(env, argv[5], "layerNormGrad: dg", &dg) ||
      !F32(env, argv[6], "layerNormGrad: db", &db) || !RowsCols(env, argv[7], argv[8], &rows, &cols))
    return nullptr;
  const long n = rows * cols;
  if (!Fits(env, dy, n, "layerNormGrad: dy") || !Fits(env, xhat, n, "layerNormGrad: xhat") ||
      !Fits(env, rstd, rows, "layerNormGrad: rstd") || !Fits(env, g, cols, "layerNormGrad: g") ||
      !Fits(env, dx, n, "layerNormGrad: dx") || !Fits(env, dg, cols, "layerNormGrad: dg") ||
      !Fits(env, db, cols, "layerNormGrad: db"))
    return nullptr;
  const int parts = static_cast<int>(std::max<long>(1, std::min<long>(Pool::Get().Threads(), n / kGrain)));
  std::vector<float> partial(static_cast<size_t>(parts) * 2 * cols, 0.f);
  const long chunk = (rows + parts - 1) / parts;
  Pool::Get().ParallelFor(parts, [&](int t) {
    const long r0 = t * chunk, r1 = std::min(rows, r0 + chunk);
    float* pdg = partial.data() + static_cast<size_t>(t) * 2 * cols;
    if (r0 < r1) LayerNormGradRows(dy.data, xhat.data, rstd.data, g.data, dx.data, pdg, pdg + cols, r0, r1, cols);
  });
  for (long i = 0; i < cols; ++i) {
    float sg = 0.f, sb = 0.f;
    for (int t = 0; t < parts; ++t) {
      sg += partial[static_cast<size_t>(t) * 2 * cols + i];
      sb += partial[static_cast<size_t>(t) * 2 * cols + cols + i];
    }
    dg.data[i] = sg;
    db.data[i] = sb;
  }
  return nullptr;
}

// transpose(x, out, dims = [rank, inShape[rank], perm[rank]]): out.shape[i] = in.shape[perm[i]].
napi_value Transpose(napi_env env, napi_callback_info info) {
  napi_value argv[3];
  if (!Args(env, info, 3, argv, "transpose(x, out, dims)")) return nullptr;
  Typed<float> x, y;
  Typed<int32_t> dims;
  if (!F32(env, argv[0], "transpose: x", &x) || !F32(env, argv[1], "transpose: out", &y) ||
      !I32(env, argv[2], "transpose: dims", &dims))
    return nullptr;
  const int rank = dims.length > 0 ? dims.data[0] : -1;
  if (rank < 1 || dims.length != static_cast<size_t>(1 + 2 * rank)) return Throw(env, "transpose: bad dims");
  const int32_t* in = dims.data + 1;
  const int32_t* perm = in + rank;
  std::vector<long> in_stride(rank), shape(rank), stride(rank);
  long total = 1;
  for (int r = rank - 1; r >= 0; --r) {
    in_stride[r] = total;
    total *= in[r];
  }
  for (int r = 0; r < rank; ++r) {
    if (perm[r] < 0 || perm[r] >= rank) return Throw(env, "transpose: bad permutation");
    shape[r] = in[perm[r]];
    stride[r] = in_stride[perm[r]];
  }
  if (total == 0) return nullptr;
  if (!Fits(env, x, total, "transpose: x") || !Fits(env, y, total, "transpose: out")) return nullptr;
  const long inner = shape[rank - 1], is = stride[rank - 1];
  const long rows = total / inner;
  ParallelRange(rows, std::max<long>(1, kGrain / inner), [&](long r0, long r1) {
    std::vector<long> idx(rank, 0);
    long rem = r0;
    for (int r = rank - 2; r >= 0; --r) {
      idx[r] = rem % shape[r];
      rem /= shape[r];
    }
    for (long r = r0; r < r1; ++r) {
      long off = 0;
      for (int k = 0; k < rank - 1; ++k) off += idx[k] * stride[k];
      const float* src = x.data + off;
      float* dst = y.data + r * inner;
      if (is == 1) {
        std::memcpy(dst, src, sizeof(float) * inner);
      } else {
        for (long i = 0; i < inner; ++i) dst[i] = src[i * is];
      }
      for (int k = rank - 2; k >= 0; --k) {
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
  });
  return nullptr;
}

PPMA_CLONES void AdamWLoop(const float* p, const float* g, const float* m, const float* v, float* po, float* mo,
                           float* vo, long n, float b1, float b2, float omb1, float omb2, float eps, float inv_sqrt_bc2,
                           float step, float decay) {
  // omb1 = 1 - b1 and omb2 = 1 - b2 come from double precision: 1 - 0.999f is off by 1e-5.
  for (long i = 0; i < n; ++i) {
    const float m1 = b1 * m[i] + omb1 * g[i];
    const float v1 = b2 * v[i] + omb2 * g[i] * g[i];
    mo[i] = m1;
    vo[i] = v1;
    po[i] = p[i] * decay - step * m1 / (std::sqrt(v1) * inv_sqrt_bc2 + eps);
  }
}

bool F32At(napi_env env, napi_value arr, uint32_t i, const char* what, Typed<float>* out) {
  napi_value el;
  if (napi_get_element(env, arr, i, &el) != napi_ok) {
    Throw(env, std::string(what) + ": not an array");
    return false;
  }
  return F32(env, el, what, out);
}

// adamw(p[], g[], m[], v[], pOut[], mOut[], vOut[], hyper: Float32Array [step_i, decay_i]*P,
//       b1, b2, eps, bc2): one decoupled-weight-decay Adam update over every parameter, as
//   m' = b1 m + (1-b1) g, v' = b2 v + (1-b2) g^2, p' = decay_i p - step_i m' / (sqrt(v'/bc2) + eps)
// with step_i = lr_i / bc1 and decay_i = 1 - lr_i wd_i (PyTorch's torch.optim.AdamW).
napi_value AdamW(napi_env env, napi_callback_info info) {
  napi_value argv[12];
  if (!Args(env, info, 12, argv, "adamw(p, g, m, v, pOut, mOut, vOut, hyper, b1, b2, eps, bc2)")) return nullptr;
  uint32_t count = 0;
  if (napi_get_array_length(env, argv[0], &count) != napi_ok) return Throw(env, "adamw: p must be an array");
  Typed<float> hyper;
  double b1, b2, eps, bc2;
  if (!F32(env, argv[7], "adamw: hyper", &hyper) || !Fits(env, hyper, 2L * count, "adamw: hyper") ||
      !Num(env, argv[8], "adamw: b1", &b1) || !Num(env, argv[9], "adamw: b2", &b2) ||
      !Num(env, argv[10], "adamw: eps", &eps) || !Num(env, argv[11], "adamw: bc2", &bc2))
    return nullptr;
  static const char* names[7] = {"adamw: p", "adamw: g", "adamw: m", "adamw: v", "adamw: pOut", "adamw: mOut", "adamw: vOut"};
  std::vector<Typed<float>> t(7 * static_cast<size_t>(count));
  for (uint32_t i = 0; i < count; ++i) {
    for (int k = 0; k < 7; ++k) {
      Typed<float>& slot = t[7 * i + k];
      if (!F32At(env, argv[k], i, names[k], &slot)) return nullptr;
      if (slot.length != t[7 * i].length) return Throw(env, std::string(names[k]) + ": length differs from the parameter's");
    }
  }
  const float isb = static_cast<float>(1.0 / std::sqrt(bc2));
  for (uint32_t i = 0; i < count; ++i) {
    const Typed<float>* s = &t[7 * i];
    const float step = hyper.data[2 * i], decay = hyper.data[2 * i + 1];
    ParallelRange(static_cast<long>(s[0].length), kGrain, [&](long b, long e) {
      AdamWLoop(s[0].data + b, s[1].data + b, s[2].data + b, s[3].data + b, s[4].data + b, s[5].data + b, s[6].data + b,
                e - b, static_cast<float>(b1), static_cast<float>(b2), static_cast<float>(1.0 - b1),
                static_cast<float>(1.0 - b2), static_cast<float>(eps), isb, step, decay);
    });
  }
  return nullptr;
}

}  // namespace

void DefineNormOps(napi_env env, napi_value exports) {
  Define(env, exports, "gelu", Gelu);
  Define(env, exports, "geluGrad", GeluGrad);
  Define(env, exports, "layerNorm", LayerNorm);
  Define(env, exports, "layerNormGrad", LayerNormGrad);
  Define(env, exports, "transpose", Transpose);
  Define(env, exports, "adamw", AdamW);
}

}  // namespace ppma
