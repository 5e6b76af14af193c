// Fused multi-head self-attention of the native tfjs backend (docs/ARCHITECTURE.md §3, "Native
// kernels"): from the packed projection qkv [B*N, 3D] (columns: q, k, v, each heads x dh) straight
// to the merged heads [B*N, D], and back. Every head's q, k, v and output are read and written in
// place through leading dimensions, so no transpose, split or stack of heads is ever materialised;
// the heads run one per pool task, each on a single-threaded GEMM.
#include <algorithm>
#include <vector>

#include "math.h"
#include "napi-util.h"
#include "own-gemm.h"
#include "pool.h"

namespace ppma {
namespace {

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

// In place: row r of s becomes softmax(scale * s[r]).
void ScaledSoftmax(float* s, long n, float scale) {
  for (long r = 0; r < n; ++r) {
    float* row = s + r * n;
    float mx = row[0];
    for (long i = 1; i < n; ++i) mx = row[i] > mx ? row[i] : mx;
    float sum = 0.f;
    for (long i = 0; i < n; ++i) {
      row[i] = FastExp(scale * (row[i] - mx));
      sum += row[i];
    }
    const float inv = 1.f / sum;
    for (long i = 0; i < n; ++i) row[i] *= inv;
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
  SerialGemmBegin();
  Pool::Get().ParallelFor(static_cast<int>(g.batch * g.heads), [&](int t) {
    const long b = t / g.heads, h = t % g.heads;
    const float* q = qkv.data + b * g.n * 3 * g.d + h * g.dh;
    const float* k = q + g.d;
    const float* v = q + 2 * g.d;
    float* ph = p.data + t * nn;
    SerialGemm(false, true, g.n, g.n, g.dh, q, 3 * g.d, k, 3 * g.d, 0.f, ph, g.n);
    ScaledSoftmax(ph, g.n, g.scale);
    SerialGemm(false, false, g.n, g.dh, g.n, ph, g.n, v, 3 * g.d, 0.f, out.data + b * g.n * g.d + h * g.dh, g.d);
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
    std::vector<float> ds(static_cast<size_t>(nn));
    SerialGemm(false, true, g.n, g.n, g.dh, dyh, g.d, v, d3, 0.f, ds.data(), g.n);  // dp = dy v^T
    SerialGemm(true, false, g.n, g.dh, g.n, ph, g.n, dyh, g.d, 0.f, dv, d3);        // dv = p^T dy
    for (long r = 0; r < g.n; ++r) {
      const float* pr = ph + r * g.n;
      float* dr = ds.data() + r * g.n;
      float s = 0.f;
      for (long i = 0; i < g.n; ++i) s += pr[i] * dr[i];
      for (long i = 0; i < g.n; ++i) dr[i] = sc * pr[i] * (dr[i] - s);  // d(q k^T) = scale * p (dp - rowsum)
    }
    SerialGemm(false, false, g.n, g.dh, g.n, ds.data(), g.n, k, d3, 0.f, dq, d3);  // dq = ds k
    SerialGemm(true, false, g.n, g.dh, g.n, ds.data(), g.n, q, d3, 0.f, dk, d3);   // dk = ds^T q
  });
  return nullptr;
}

}  // namespace

void DefineAttention(napi_env env, napi_value exports) {
  Define(env, exports, "attention", Attention);
  Define(env, exports, "attentionGrad", AttentionGrad);
}

}  // namespace ppma
