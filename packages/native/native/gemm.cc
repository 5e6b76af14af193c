// Batched single-precision GEMM for tfjs BatchMatMul / _FusedMatMul, over OpenBLAS `cblas_sgemm`
// when the addon was built with it (PPMA_HAVE_BLAS), else over our own GEMM (own-gemm.cc).
// docs/ARCHITECTURE.md §3, "Native kernels".
//
// gemm(a, b, out, bias | null, dims: Int32Array, alpha: number)
//   dims = [M, N, K, transA, transB, activation, biasStrideM, biasStrideN, rank,
//           batchShape[rank], aBatchStrides[rank], bBatchStrides[rank]]
//   For every batch index i (row-major over batchShape), with offsets from the strides:
//     out[i] (M x N, row-major) = act(op(a[i]) * op(b[i]) + bias)
//   op(a) is M x K (stored K x M when transA), op(b) is K x N (stored N x K when transB).
//   bias[m * biasStrideM + n * biasStrideN] broadcasts over the M x N result.
//   activation: 0 linear, 1 relu, 2 relu6, 4 leakyrelu (alpha), 5 sigmoid, 6 elu
//   (the numbering of tfjs-backend-wasm's FusableActivation; 3 = prelu is not handled here).
// setGemm("blas" | "own" | "auto", isa = "auto" | "avx512" | "avx2" | "generic") picks the path.
#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "napi-util.h"
#include "own-gemm.h"
#include "pool.h"

#ifdef PPMA_HAVE_BLAS
#include <cblas.h>
#if defined(__APPLE__)
#define PPMA_BLAS_NAME "Accelerate"
static void BlasSetThreads(int) {}
static std::string BlasConfig() { return "Accelerate"; }
static std::string BlasCorename() { return ""; }
#else
#define PPMA_BLAS_NAME "OpenBLAS"
extern "C" {
void openblas_set_num_threads(int num_threads);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
static void BlasSetThreads(int n) { openblas_set_num_threads(n); }
static std::string BlasConfig() { return openblas_get_config(); }
static std::string BlasCorename() { return openblas_get_corename(); }
#endif
#endif

namespace ppma {
namespace {

#ifdef PPMA_HAVE_BLAS
bool g_use_blas = true;
// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" -> "0.3.21"
std::string BlasVersion() {
  std::string c = BlasConfig();
  const std::string prefix = "OpenBLAS ";
  if (c.compare(0, prefix.size(), prefix) != 0) return "";
  std::string rest = c.substr(prefix.size());
  size_t sp = rest.find(' ');
  return sp == std::string::npos ? rest : rest.substr(0, sp);
}
#else
bool g_use_blas = false;
#endif

int g_threads = 1;
int g_blas_threads = -1;
// Products under this many FLOP run on one thread: splitting them costs more than it saves.
const double kMinThreadedFlops = 16e6;
// With BLAS, products from this many FLOP up are split over our own pool (one single-threaded BLAS
// call per part); OpenBLAS's own threads are used only with PPMA_BLAS_THREADS=1.
const double kMinPoolFlops = 2e6;

// OpenBLAS's pthreads busy-wait after each call, on the core our pool's worker needs for the next
// kernel (and, on a loaded machine, against every other process): by default all threading goes
// through our pool and OpenBLAS stays on one thread. PPMA_BLAS_THREADS=1 lets OpenBLAS thread
// products of kMinThreadedFlops and more itself, as before.
bool BlasOwnThreads() {
  static const bool on = [] {
    const char* v = std::getenv("PPMA_BLAS_THREADS");
    return v != nullptr && std::string(v) == "1";
  }();
  return on;
}

void BlasThreads(int n) {
#ifdef PPMA_HAVE_BLAS
  if (n != g_blas_threads) {
    BlasSetThreads(n);
    g_blas_threads = n;
  }
#else
  (void)n;
#endif
}

void Activate(float* c, size_t n, int act, float alpha) {
  switch (act) {
    case 1:
      for (size_t i = 0; i < n; ++i) c[i] = c[i] > 0.f ? c[i] : 0.f;
      break;
    case 2:
      for (size_t i = 0; i < n; ++i) c[i] = c[i] < 0.f ? 0.f : (c[i] > 6.f ? 6.f : c[i]);
      break;
    case 4:
      for (size_t i = 0; i < n; ++i) c[i] = c[i] < 0.f ? alpha * c[i] : c[i];
      break;
    case 5:
      for (size_t i = 0; i < n; ++i) c[i] = 1.f / (1.f + std::exp(-c[i]));
      break;
    case 6:
      for (size_t i = 0; i < n; ++i) c[i] = c[i] < 0.f ? std::expm1(c[i]) : c[i];
      break;
    default:
      break;
  }
}

struct Problem {
  long M, N, K;
  bool ta, tb;
  int act;
  long bsm, bsn;
  float alpha;
  const float* bias;
};

// Rows [m0, m1) of C = the broadcast bias (the GEMM then accumulates onto it, beta = 1).
void FillBiasRows(const Problem& p, float* C, long m0, long m1) {
  for (long m = m0; m < m1; ++m) {
    float* row = C + m * p.N;
    const float* brow = p.bias + m * p.bsm;
    if (p.bsn == 1) {
      std::memcpy(row, brow, sizeof(float) * p.N);
    } else {
      for (long n = 0; n < p.N; ++n) row[n] = brow[0];
    }
  }
}

// The whole of C; over the pool when the GEMM itself is split (large outputs).
void FillBias(const Problem& p, float* C, bool threaded) {
  if (!threaded) {
    FillBiasRows(p, C, 0, p.M);
    return;
  }
  ParallelRange(p.M, std::max<long>(1, (1L << 15) / p.N), [&](long b, long e) { FillBiasRows(p, C, b, e); });
}

#ifdef PPMA_HAVE_BLAS
// A product of kMinPoolFlops or more split by rows (or columns) over our pool, one
// single-threaded BLAS call per part: waking our workers costs microseconds, and no OpenBLAS
// thread is left spinning afterwards (docs/ARCHITECTURE.md §3).
void BlasSplit(const Problem& p, const float* A, long lda, const float* B, long ldb, float beta, float* C) {
  const int parts = Pool::Get().Threads();
  const CBLAS_TRANSPOSE ta = p.ta ? CblasTrans : CblasNoTrans, tb = p.tb ? CblasTrans : CblasNoTrans;
  const bool by_rows = p.M >= p.N || p.N < 32L * parts;
  const long len = by_rows ? p.M : p.N;
  const long chunk = ((len + parts - 1) / parts + 15) / 16 * 16;
  Pool::Get().ParallelFor(parts, [&](int t) {
    const long b = t * chunk, e = std::min(len, b + chunk);
    if (b >= e) return;
    if (by_rows) {
      cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(e - b), static_cast<int>(p.N), static_cast<int>(p.K), 1.f,
                  p.ta ? A + b : A + b * lda, static_cast<int>(lda), B, static_cast<int>(ldb), beta, C + b * p.N,
                  static_cast<int>(p.N));
    } else {
      cblas_sgemm(CblasRowMajor, ta, tb, static_cast<int>(p.M), static_cast<int>(e - b), static_cast<int>(p.K), 1.f, A,
                  static_cast<int>(lda), p.tb ? B + b * ldb : B + b, static_cast<int>(ldb), beta, C + b,
                  static_cast<int>(p.N));
    }
  });
}
#endif

// One matrix of the batch; `threaded` lets the GEMM itself use the pool.
void One(const Problem& p, const float* A, const float* B, float* C, bool threaded) {
  const long lda = p.ta ? p.M : p.K, ldb = p.tb ? p.K : p.N;
  float beta = 0.f;
  if (p.bias) {
    FillBias(p, C, threaded);
    beta = 1.f;
  }
#ifdef PPMA_HAVE_BLAS
  if (g_use_blas) {
    if (threaded) {
      BlasSplit(p, A, lda, B, ldb, beta, C);
    } else {
      cblas_sgemm(CblasRowMajor, p.ta ? CblasTrans : CblasNoTrans, p.tb ? CblasTrans : CblasNoTrans,
                  static_cast<int>(p.M), static_cast<int>(p.N), static_cast<int>(p.K), 1.f, A, static_cast<int>(lda),
                  B, static_cast<int>(ldb), beta, C, static_cast<int>(p.N));
    }
    Activate(C, static_cast<size_t>(p.M * p.N), p.act, p.alpha);
    return;
  }
#endif
  if (threaded) {
    OwnGemmThreaded(p.ta, p.tb, p.M, p.N, p.K, A, lda, B, ldb, beta, C, p.N);
  } else {
    OwnGemm(p.ta, p.tb, p.M, p.N, p.K, A, lda, B, ldb, beta, C, p.N);
  }
  Activate(C, static_cast<size_t>(p.M * p.N), p.act, p.alpha);
}

}  // namespace

void SerialGemmBegin() { BlasThreads(1); }

void SerialGemm(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb,
                float beta, float* C, long ldc) {
#ifdef PPMA_HAVE_BLAS
  if (g_use_blas) {
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(M),
                static_cast<int>(N), static_cast<int>(K), 1.f, A, static_cast<int>(lda), B, static_cast<int>(ldb), beta,
                C, static_cast<int>(ldc));
    return;
  }
#endif
  OwnGemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
}

namespace {

napi_value Gemm(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "gemm(a, b, out, bias, dims, alpha)")) return nullptr;
  Typed<float> a, b, c, bias;
  Typed<int32_t> dims;
  if (!F32(env, argv[0], "gemm: a", &a) || !F32(env, argv[1], "gemm: b", &b) || !F32(env, argv[2], "gemm: out", &c) ||
      !I32(env, argv[4], "gemm: dims", &dims)) {
    return nullptr;
  }
  napi_valuetype bias_type;
  napi_typeof(env, argv[3], &bias_type);
  if (bias_type != napi_null && bias_type != napi_undefined && !F32(env, argv[3], "gemm: bias", &bias)) return nullptr;
  double alpha = 0;
  if (!Num(env, argv[5], "gemm: alpha", &alpha)) return nullptr;

  const int32_t* d = dims.data;
  if (dims.length < 9) return Throw(env, "gemm: dims too short");
  Problem p{d[0], d[1], d[2], d[3] != 0, d[4] != 0, d[5], d[6], d[7], static_cast<float>(alpha), bias.data};
  const int rank = d[8];
  if (rank < 0 || dims.length != static_cast<size_t>(9 + 3 * rank)) return Throw(env, "gemm: dims length does not match rank");
  if (p.M <= 0 || p.N <= 0 || p.K <= 0) return Throw(env, "gemm: M, N and K must be positive");
  const int32_t* shape = d + 9;
  const int32_t* sa = shape + rank;
  const int32_t* sb = sa + rank;
  long batch = 1, max_a = 0, max_b = 0;
  for (int r = 0; r < rank; ++r) {
    if (shape[r] <= 0 || sa[r] < 0 || sb[r] < 0) return Throw(env, "gemm: bad batch shape or stride");
    batch *= shape[r];
    max_a += static_cast<long>(shape[r] - 1) * sa[r];
    max_b += static_cast<long>(shape[r] - 1) * sb[r];
  }
  if (!Fits(env, a, max_a + p.M * p.K, "gemm: a") || !Fits(env, b, max_b + p.K * p.N, "gemm: b") ||
      !Fits(env, c, batch * p.M * p.N, "gemm: out")) {
    return nullptr;
  }
  if (p.bias && !Fits(env, bias, (p.M - 1) * p.bsm + (p.N - 1) * p.bsn + 1, "gemm: bias")) return nullptr;

  // Offsets of every batch matrix (row-major over batchShape).
  std::vector<long> oa(batch), ob(batch);
  std::vector<int32_t> idx(rank, 0);
  for (long i = 0; i < batch; ++i) {
    long x = 0, y = 0;
    for (int r = 0; r < rank; ++r) {
      x += static_cast<long>(idx[r]) * sa[r];
      y += static_cast<long>(idx[r]) * sb[r];
    }
    oa[i] = x;
    ob[i] = y;
    for (int r = rank - 1; r >= 0; --r) {
      if (++idx[r] < shape[r]) break;
      idx[r] = 0;
    }
  }
  const long mn = p.M * p.N;
  const double flops = 2.0 * p.M * p.N * p.K;
  if (g_use_blas) {
    const bool big = flops >= kMinThreadedFlops && BlasOwnThreads();
    BlasThreads(big ? g_threads : 1);
    const bool pool = !big && g_threads > 1;
    if (pool && batch >= 2 && flops < kMinThreadedFlops && flops * batch >= kMinPoolFlops) {
      // Many small products (attention heads): one single-threaded BLAS call per matrix.
      Pool::Get().ParallelFor(static_cast<int>(batch),
                              [&](int i) { One(p, a.data + oa[i], b.data + ob[i], c.data + i * mn, false); });
    } else {
      const bool split = pool && flops >= kMinPoolFlops && std::max(p.M, p.N) >= 64;
      for (long i = 0; i < batch; ++i) One(p, a.data + oa[i], b.data + ob[i], c.data + i * mn, split);
    }
  } else if (batch >= g_threads && g_threads > 1 && flops * batch >= 4e6) {
    // Many small products (attention heads): one thread per matrix.
    Pool::Get().ParallelFor(static_cast<int>(batch),
                            [&](int i) { One(p, a.data + oa[i], b.data + ob[i], c.data + i * mn, false); });
  } else {
    for (long i = 0; i < batch; ++i) One(p, a.data + oa[i], b.data + ob[i], c.data + i * mn, true);
  }
  return nullptr;
}

napi_value SetThreads(napi_env env, napi_callback_info info) {
  napi_value argv[1];
  if (!Args(env, info, 1, argv, "setThreads(n)")) return nullptr;
  int32_t n = 0;
  if (napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) return Throw(env, "setThreads(n) needs an integer n >= 1");
  g_threads = n;
  Pool::Get().SetThreads(n);
  BlasThreads(BlasOwnThreads() ? n : 1);
  return nullptr;
}

napi_value SetGemm(napi_env env, napi_callback_info info) {
  napi_value argv[2];
  if (!Args(env, info, 2, argv, "setGemm(path, isa)")) return nullptr;
  std::string path, isa;
  if (!Str(env, argv[0], &path) || !Str(env, argv[1], &isa)) return Throw(env, "setGemm(path, isa) takes two strings");
  if (path != "blas" && path != "own" && path != "auto") return Throw(env, "setGemm: path must be blas, own or auto");
  if (!SetOwnGemmIsa(isa.c_str())) return Throw(env, "setGemm: this CPU does not support the " + isa + " micro-kernel");
#ifdef PPMA_HAVE_BLAS
  g_use_blas = path != "own";
#else
  if (path == "blas") return Throw(env, "setGemm: the addon was built without OpenBLAS");
#endif
  return nullptr;
}

void SetString(napi_env env, napi_value obj, const char* key, const std::string& value) {
  napi_value v;
  if (napi_create_string_utf8(env, value.c_str(), value.size(), &v) == napi_ok) napi_set_named_property(env, obj, key, v);
}

napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, threads, has_blas;
  napi_create_object(env, &obj);
#ifdef PPMA_HAVE_BLAS
  SetString(env, obj, "blas", g_use_blas ? PPMA_BLAS_NAME : "own");
  SetString(env, obj, "version", g_use_blas ? BlasVersion() : "");
  SetString(env, obj, "config", BlasConfig());
  SetString(env, obj, "corename", BlasCorename());
  napi_get_boolean(env, true, &has_blas);
#else
  SetString(env, obj, "blas", "own");
  SetString(env, obj, "version", "");
  SetString(env, obj, "config", "built without BLAS");
  SetString(env, obj, "corename", "");
  napi_get_boolean(env, false, &has_blas);
#endif
  SetString(env, obj, "isa", OwnGemmIsa());
  napi_set_named_property(env, obj, "builtWithBlas", has_blas);
  napi_create_int32(env, g_threads, &threads);
  napi_set_named_property(env, obj, "threads", threads);
  return obj;
}

}  // namespace

void DefineGemm(napi_env env, napi_value exports) {
  Define(env, exports, "gemm", Gemm);
  Define(env, exports, "setThreads", SetThreads);
  Define(env, exports, "setGemm", SetGemm);
  Define(env, exports, "info", Info);
}

}  // namespace ppma
