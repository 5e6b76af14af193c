// Fused multi-head self-attention of the native tfjs backend (docs/ARCHITECTURE.md §3, "Native
// kernels"): from the packed projection qkv [B*N, 3D] (columns: q, k, v, each heads x dh) straight
// to the merged heads [B*N, D], and back. Every head's q, k, v and output are read and written in
// place through leading dimensions, so no transpose, split or stack of heads is ever materialised;
// the heads run one per pool task, each on a single-threaded GEMM.
//
// Within a head, queries are taken a block of rows at a time (kRowBlock, or PPMA_ATTENTION_BLOCK):
// the block's scores are computed, normalised and multiplied by v (forward), or turned into ds and
// multiplied by k and q (backward), while they are still in the core's cache, instead of making
// three or four passes over an N x N matrix in memory. The softmax loops are vectorised
// (target_clones: AVX-512, AVX2, baseline), and the backward pass's scratch block is per thread
// and reused, never allocated per call.
#include <algorithm>
#include <cstdlib>
#include <vector>

#include "math.h"
#include "napi-util.h"
#include "own-gemm.h"
#include "pool.h"

#if (defined(__x86_64__) || defined(__i386__)) && defined(__linux__) && !defined(__clang__)
#define PPMA_CLONES __attribute__((target_clones("avx512f", "avx2", "default")))
#else
#define PPMA_CLONES
#endif

namespace ppma {
namespace {

// Query rows per block: 64 rows of 1568 scores are 400 KB, which stay in a core's L2 cache. The
// backward pass takes 256 (1.6 MB of ds): its dv and dk products accumulate over the blocks, and
// fewer, deeper ones measured faster (packages/native/README.md).
constexpr long kRowBlock = 64;
constexpr long kGradRowBlock = 256;

long EnvLong(const char* name) {
  const char* v = std::getenv(name);
  return v ? std::atol(v) : 0L;
}

long RowBlock(long n, bool grad) {
  static const long fwd = EnvLong("PPMA_ATTENTION_BLOCK"), bwd = EnvLong("PPMA_ATTENTION_GRAD_BLOCK");
  const long b = grad ? (bwd > 0 ? bwd : kGradRowBlock) : (fwd > 0 ? fwd : kRowBlock);
  return std::min(b, n);
}

struct Geometry {
  long batch, n, heads, dh, d;
  float scale;
};

bool ReadGeometry(napi_env env, napi_value v, Geometry* g) {
  Typed<int32_t> dims;
  if (!I32(env, v, "attention: dims", &dims)) return false;
  if (dims.length != 4) {
    Throw(env, "attention: dims must be [batch, tokens, heads, headDim]");
    return false;
  }
  g->batch = dims.data[0];
  g->n = dims.data[1];
  g->heads = dims.data[2];
  g->dh = dims.data[3];
  g->d = g->heads * g->dh;
  if (g->batch < 1 || g->n < 1 || g->heads < 1 || g->dh < 1) {
    Throw(env, "attention: batch, tokens, heads and headDim must be >= 1");
    return false;
  }
  return true;
}

// In place: each of `rows` rows (length n, stride n) of s becomes softmax(scale * s[r]).
PPMA_CLONES void ScaledSoftmax(float* s, long rows, long n, float scale) {
  for (long r = 0; r < rows; ++r) {
    float* row = s + r * n;
    float mx = row[0];
#pragma omp simd reduction(max : mx)
    for (long i = 1; i < n; ++i) mx = row[i] > mx ? row[i] : mx;
    const float off = scale * mx;
    float sum = 0.f;
#pragma omp simd reduction(+ : sum)
    for (long i = 0; i < n; ++i) {
      const float e = FastExp(scale * row[i] - off);
      row[i] = e;
      sum += e;
    }
    const float inv = 1.f / sum;
#pragma omp simd
    for (long i = 0; i < n; ++i) row[i] *= inv;
  }
}

// In place: each of `rows` rows of dp (stride n) becomes ds = scale * p (dp - rowsum(p dp)).
PPMA_CLONES void ScaledSoftmaxGrad(const float* p, float* dp, long rows, long n, float scale) {
  for (long r = 0; r < rows; ++r) {
    const float* pr = p + r * n;
    float* dr = dp + r * n;
    float s = 0.f;
#pragma omp simd reduction(+ : s)
    for (long i = 0; i < n; ++i) s += pr[i] * dr[i];
#pragma omp simd
    for (long i = 0; i < n; ++i) dr[i] = scale * pr[i] * (dr[i] - s);
  }
}

// attention(qkv, out, p, dims, scale): out [B*N, D] = per head softmax(scale q k^T) v; p [B*h, N, N]
// keeps the probabilities for the backward pass.
napi_value Attention(napi_env env, napi_callback_info info) {
  napi_value argv[5];
  if (!Args(env, info, 5, argv, "attention(qkv, out, p, dims, scale)")) return nullptr;
  Typed<float> qkv, out, p;
  Geometry g{};
  double scale;
  if (!F32(env, argv[0], "attention: qkv", &qkv) || !F32(env, argv[1], "attention: out", &out) ||
      !F32(env, argv[2], "attention: p", &p) || !ReadGeometry(env, argv[3], &g) ||
      !Num(env, argv[4], "attention: scale", &scale))
    return nullptr;
  const long bn = g.batch * g.n, nn = g.n * g.n;
  if (!Fits(env, qkv, bn * 3 * g.d, "attention: qkv") || !Fits(env, out, bn * g.d, "attention: out") ||
      !Fits(env, p, g.batch * g.heads * nn, "attention: p"))
    return nullptr;
  g.scale = static_cast<float>(scale);
  const long blk = RowBlock(g.n, false);
  SerialGemmBegin();
  Pool::Get().ParallelFor(static_cast<int>(g.batch * g.heads), [&](int t) {
    const long b = t / g.heads, h = t % g.heads;
    const float* q = qkv.data + b * g.n * 3 * g.d + h * g.dh;
    const float* k = q + g.d;
    const float* v = q + 2 * g.d;
    float* ph = p.data + t * nn;
    float* oh = out.data + b * g.n * g.d + h * g.dh;
    for (long r0 = 0; r0 < g.n; r0 += blk) {
      const long rows = std::min(blk, g.n - r0);
      float* pb = ph + r0 * g.n;
      SerialGemm(false, true, rows, g.n, g.dh, q + r0 * 3 * g.d, 3 * g.d, k, 3 * g.d, 0.f, pb, g.n);  // q k^T
      ScaledSoftmax(pb, rows, g.n, g.scale);
      SerialGemm(false, false, rows, g.dh, g.n, pb, g.n, v, 3 * g.d, 0.f, oh + r0 * g.d, g.d);  // p v
    }
  });
  return nullptr;
}

// attentionGrad(dy, qkv, p, dqkv, dims, scale): dqkv [B*N, 3D] from dy [B*N, D].
napi_value AttentionGrad(napi_env env, napi_callback_info info) {
  napi_value argv[6];
  if (!Args(env, info, 6, argv, "attentionGrad(dy, qkv, p, dqkv, dims, scale)")) return nullptr;
  Typed<float> dy, qkv, p, dqkv;
  Geometry g{};
  double scale;
  if (!F32(env, argv[0], "attentionGrad: dy", &dy) || !F32(env, argv[1], "attentionGrad: qkv", &qkv) ||
      !F32(env, argv[2], "attentionGrad: p", &p) || !F32(env, argv[3], "attentionGrad: dqkv", &dqkv) ||
      !ReadGeometry(env, argv[4], &g) || !Num(env, argv[5], "attentionGrad: scale", &scale))
    return nullptr;
  const long bn = g.batch * g.n, nn = g.n * g.n, d3 = 3 * g.d;
  if (!Fits(env, dy, bn * g.d, "attentionGrad: dy") || !Fits(env, qkv, bn * d3, "attentionGrad: qkv") ||
      !Fits(env, p, g.batch * g.heads * nn, "attentionGrad: p") || !Fits(env, dqkv, bn * d3, "attentionGrad: dqkv"))
    return nullptr;
  const float sc = static_cast<float>(scale);
  const long blk = RowBlock(g.n, true);
  SerialGemmBegin();
  Pool::Get().ParallelFor(static_cast<int>(g.batch * g.heads), [&](int t) {
    const long b = t / g.heads, h = t % g.heads;
    const long base = b * g.n * d3 + h * g.dh;
    const float* q = qkv.data + base;
    const float* k = q + g.d;
    const float* v = q + 2 * g.d;
    float* dq = dqkv.data + base;
    float* dk = dq + g.d;
    float* dv = dq + 2 * g.d;
    const float* dyh = dy.data + b * g.n * g.d + h * g.dh;
    const float* ph = p.data + t * nn;
    // Per query block: dp = dy v^T, ds = scale p (dp - rowsum), dq = ds k; dv = p^T dy and
    // dk = ds^T q accumulate over the blocks.
    thread_local std::vector<float> scratch;
    if (scratch.size() < static_cast<size_t>(blk * g.n)) scratch.resize(static_cast<size_t>(blk * g.n));
    float* ds = scratch.data();
    for (long r0 = 0; r0 < g.n; r0 += blk) {
      const long rows = std::min(blk, g.n - r0);
      const float beta = r0 == 0 ? 0.f : 1.f;
      const float* pb = ph + r0 * g.n;
      const float* dyb = dyh + r0 * g.d;
      SerialGemm(false, true, rows, g.n, g.dh, dyb, g.d, v, d3, 0.f, ds, g.n);          // dp = dy v^T
      SerialGemm(true, false, g.n, g.dh, rows, pb, g.n, dyb, g.d, beta, dv, d3);        // dv += p^T dy
      ScaledSoftmaxGrad(pb, ds, rows, g.n, sc);                                         // ds
      SerialGemm(false, false, rows, g.dh, g.n, ds, g.n, k, d3, 0.f, dq + r0 * d3, d3);  // dq = ds k
      SerialGemm(true, false, g.n, g.dh, rows, ds, g.n, q + r0 * d3, d3, beta, dk, d3);  // dk += ds^T q
    }
  });
  return nullptr;
}

}  // namespace

void DefineAttention(napi_env env, napi_value exports) {
  Define(env, exports, "attention", Attention);
  Define(env, exports, "attentionGrad", AttentionGrad);
}

}  // namespace ppma
