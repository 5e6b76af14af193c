// @ppma/native: batched single-precision GEMM over OpenBLAS `cblas_sgemm`, exposed to Node
// through N-API (plain C API, no node-addon-api). docs/ARCHITECTURE.md §3, "Native kernels".
//
// The TypeScript side (src/kernels.ts) reads tensors straight out of the tfjs wasm heap with
// `backend.typedArrayFromHeap` and hands the Float32Array views to `gemm`, which writes the result
// into the view of an output tensor made by `backend.makeOutput`. Nothing is copied.
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
// Products under 16 MFLOP run on one BLAS thread, larger ones on the threads set with setThreads.
#include <node_api.h>

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <vector>

#include <cblas.h>

#if defined(__APPLE__)
#define PPMA_BLAS_NAME "Accelerate"
static void ppma_set_threads(int) {}
static int ppma_get_threads() { return 0; }
static std::string ppma_version() { return ""; }
static std::string ppma_config() { return "Accelerate"; }
static std::string ppma_corename() { return ""; }
#else
#define PPMA_BLAS_NAME "OpenBLAS"
extern "C" {
void openblas_set_num_threads(int num_threads);
int openblas_get_num_threads(void);
char* openblas_get_config(void);
char* openblas_get_corename(void);
}
static void ppma_set_threads(int n) { openblas_set_num_threads(n); }
static int ppma_get_threads() { return openblas_get_num_threads(); }
static std::string ppma_config() { return openblas_get_config(); }
static std::string ppma_corename() { return openblas_get_corename(); }
// "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64" -> "0.3.21"
static std::string ppma_version() {
  std::string c = ppma_config();
  const std::string prefix = "OpenBLAS ";
  if (c.compare(0, prefix.size(), prefix) != 0) return "";
  std::string rest = c.substr(prefix.size());
  size_t sp = rest.find(' ');
  return sp == std::string::npos ? rest : rest.substr(0, sp);
}
#endif

#define NAPI_CALL(env, call)                                        \
  do {                                                              \
    if ((call) != napi_ok) {                                        \
      napi_throw_error((env), "PPMA_NATIVE", "N-API call failed: " #call); \
      return nullptr;                                               \
    }                                                               \
  } while (0)

// Threads the user asked for; small products run on one thread, because splitting a GEMM of a few
// MFLOP costs more in hand-off than it saves (and stalls when the other core is busy).
static int g_threads = 1;
static int g_active_threads = -1;
static const double kMinFlopsPerThreadedGemm = 16e6;

static void UseThreads(int n) {
  if (n != g_active_threads) {
    ppma_set_threads(n);
    g_active_threads = n;
  }
}

static napi_value Throw(napi_env env, const char* msg) {
  napi_throw_error(env, "PPMA_NATIVE", msg);
  return nullptr;
}

// Returns the data pointer and element count of a typed array of the expected type, or false.
static bool GetTyped(napi_env env, napi_value v, napi_typedarray_type want, void** data, size_t* length) {
  bool is_ta = false;
  if (napi_is_typedarray(env, v, &is_ta) != napi_ok || !is_ta) return false;
  napi_typedarray_type type;
  napi_value ab;
  size_t offset;
  if (napi_get_typedarray_info(env, v, &type, length, data, &ab, &offset) != napi_ok) return false;
  return type == want;
}

static inline void Activate(float* c, size_t n, int act, float alpha) {
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

static napi_value Gemm(napi_env env, napi_callback_info info) {
  size_t argc = 6;
  napi_value argv[6];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  if (argc < 6) return Throw(env, "gemm(a, b, out, bias, dims, alpha) takes 6 arguments");

  void *pa, *pb, *pc, *pdims;
  size_t na, nb, nc, ndims;
  if (!GetTyped(env, argv[0], napi_float32_array, &pa, &na)) return Throw(env, "gemm: a must be a Float32Array");
  if (!GetTyped(env, argv[1], napi_float32_array, &pb, &nb)) return Throw(env, "gemm: b must be a Float32Array");
  if (!GetTyped(env, argv[2], napi_float32_array, &pc, &nc)) return Throw(env, "gemm: out must be a Float32Array");
  if (!GetTyped(env, argv[4], napi_int32_array, &pdims, &ndims)) return Throw(env, "gemm: dims must be an Int32Array");
  napi_valuetype bias_type;
  NAPI_CALL(env, napi_typeof(env, argv[3], &bias_type));
  void* pbias = nullptr;
  size_t nbias = 0;
  if (bias_type != napi_null && bias_type != napi_undefined &&
      !GetTyped(env, argv[3], napi_float32_array, &pbias, &nbias)) {
    return Throw(env, "gemm: bias must be a Float32Array or null");
  }
  double alpha_d = 0;
  NAPI_CALL(env, napi_get_value_double(env, argv[5], &alpha_d));

  const int32_t* d = static_cast<const int32_t*>(pdims);
  if (ndims < 9) return Throw(env, "gemm: dims too short");
  const int64_t M = d[0], N = d[1], K = d[2];
  const bool ta = d[3] != 0, tb = d[4] != 0;
  const int act = d[5];
  const int64_t bsm = d[6], bsn = d[7];
  const int rank = d[8];
  if (rank < 0 || ndims != static_cast<size_t>(9 + 3 * rank)) return Throw(env, "gemm: dims length does not match rank");
  if (M <= 0 || N <= 0 || K <= 0) return Throw(env, "gemm: M, N and K must be positive");
  const int32_t* shape = d + 9;
  const int32_t* sa = shape + rank;
  const int32_t* sb = sa + rank;

  int64_t batch = 1;
  int64_t max_a = 0, max_b = 0;  // largest batch offsets, for the bounds check
  for (int r = 0; r < rank; ++r) {
    if (shape[r] <= 0 || sa[r] < 0 || sb[r] < 0) return Throw(env, "gemm: bad batch shape or stride");
    batch *= shape[r];
    max_a += static_cast<int64_t>(shape[r] - 1) * sa[r];
    max_b += static_cast<int64_t>(shape[r] - 1) * sb[r];
  }
  if (static_cast<int64_t>(na) < max_a + M * K) return Throw(env, "gemm: a is too small for the given shape");
  if (static_cast<int64_t>(nb) < max_b + K * N) return Throw(env, "gemm: b is too small for the given shape");
  if (static_cast<int64_t>(nc) < batch * M * N) return Throw(env, "gemm: out is too small for the given shape");
  if (pbias && static_cast<int64_t>(nbias) <= (M - 1) * bsm + (N - 1) * bsn) return Throw(env, "gemm: bias is too small");

  const float* A = static_cast<const float*>(pa);
  const float* B = static_cast<const float*>(pb);
  float* C = static_cast<float*>(pc);
  const float* bias = static_cast<const float*>(pbias);
  const int lda = ta ? static_cast<int>(M) : static_cast<int>(K);
  const int ldb = tb ? static_cast<int>(K) : static_cast<int>(N);
  const size_t mn = static_cast<size_t>(M * N);

  UseThreads(2.0 * M * N * K >= kMinFlopsPerThreadedGemm ? g_threads : 1);
  std::vector<int32_t> idx(rank, 0);
  for (int64_t i = 0; i < batch; ++i) {
    int64_t oa = 0, ob = 0;
    for (int r = 0; r < rank; ++r) {
      oa += static_cast<int64_t>(idx[r]) * sa[r];
      ob += static_cast<int64_t>(idx[r]) * sb[r];
    }
    float* Ci = C + i * mn;
    float beta = 0.f;
    if (bias) {
      for (int64_t m = 0; m < M; ++m) {
        float* row = Ci + m * N;
        const float* brow = bias + m * bsm;
        if (bsn == 1) {
          std::memcpy(row, brow, sizeof(float) * N);
        } else {
          for (int64_t n = 0; n < N; ++n) row[n] = brow[0];
        }
      }
      beta = 1.f;
    }
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, static_cast<int>(M),
                static_cast<int>(N), static_cast<int>(K), 1.f, A + oa, lda, B + ob, ldb, beta, Ci, static_cast<int>(N));
    Activate(Ci, mn, act, static_cast<float>(alpha_d));
    for (int r = rank - 1; r >= 0; --r) {
      if (++idx[r] < shape[r]) break;
      idx[r] = 0;
    }
  }
  return nullptr;
}

static napi_value SetThreads(napi_env env, napi_callback_info info) {
  size_t argc = 1;
  napi_value argv[1];
  NAPI_CALL(env, napi_get_cb_info(env, info, &argc, argv, nullptr, nullptr));
  int32_t n = 0;
  if (argc < 1 || napi_get_value_int32(env, argv[0], &n) != napi_ok || n < 1) {
    return Throw(env, "setThreads(n) needs an integer n >= 1");
  }
  g_threads = n;
  UseThreads(n);
  return nullptr;
}

static napi_value SetString(napi_env env, napi_value obj, const char* key, const std::string& value) {
  napi_value v;
  if (napi_create_string_utf8(env, value.c_str(), value.size(), &v) != napi_ok) return nullptr;
  if (napi_set_named_property(env, obj, key, v) != napi_ok) return nullptr;
  return obj;
}

static napi_value Info(napi_env env, napi_callback_info) {
  napi_value obj, threads;
  NAPI_CALL(env, napi_create_object(env, &obj));
  SetString(env, obj, "blas", PPMA_BLAS_NAME);
  SetString(env, obj, "version", ppma_version());
  SetString(env, obj, "config", ppma_config());
  SetString(env, obj, "corename", ppma_corename());
  NAPI_CALL(env, napi_create_int32(env, g_active_threads < 0 ? ppma_get_threads() : g_threads, &threads));
  NAPI_CALL(env, napi_set_named_property(env, obj, "threads", threads));
  return obj;
}

static napi_value Init(napi_env env, napi_value exports) {
  napi_property_descriptor props[] = {
      {"gemm", nullptr, Gemm, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"setThreads", nullptr, SetThreads, nullptr, nullptr, nullptr, napi_default, nullptr},
      {"info", nullptr, Info, nullptr, nullptr, nullptr, napi_default, nullptr},
  };
  NAPI_CALL(env, napi_define_properties(env, exports, sizeof(props) / sizeof(props[0]), props));
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
