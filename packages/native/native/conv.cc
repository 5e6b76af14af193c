// 2-D convolutions of the native tfjs backend, NHWC (docs/ARCHITECTURE.md §3, "Native kernels"):
// Conv2D / FusedConv2D as im2col + our packed GEMM over chunks of output pixels (one chunk per
// task, so both cores work and the im2col buffer stays in cache), DepthwiseConv2dNative /
// FusedDepthwiseConv2D as a direct loop vectorised over channels. Bias and activation are applied
// to each chunk while it is hot. MaxPool / AvgPool (pool2d, below) as a direct loop over channels.
//
// conv2d(x, filter, out, bias | null, prelu | null, dims: Int32Array, alpha)
// depthwiseConv2d(x, filter, out, bias | null, prelu | null, dims: Int32Array, alpha)
// conv2dBackpropInput(dy, filter, dx, dims: Int32Array): the gradient of Conv2D by its input (the
//   transposed convolution), dims as above with activation 0 and channelMul 1; dy [batch, outH,
//   outW, outC], dx [batch, inH, inW, inC]. Each dx pixel gathers the dy pixels whose window
//   covers it, so rows of dx run as independent pool tasks.
//   dims = [batch, inH, inW, inC, outH, outW, outC, fH, fW, strideH, strideW, dilH, dilW,
//           padTop, padLeft, activation, channelMul]
//   x [batch, inH, inW, inC]; filter [fH, fW, inC, outC] (depthwise: [fH, fW, inC, channelMul],
//   outC = inC * channelMul); out [batch, outH, outW, outC]; bias and prelu: outC values.
//   activation: 0 linear, 1 relu, 2 relu6, 3 prelu, 4 leakyrelu (alpha), 5 sigmoid, 6 elu.
#include <algorithm>
#include <cmath>
#include <cstring>
#include <vector>

#include "napi-util.h"
#include "own-gemm.h"
#include "pool.h"

namespace ppma {
namespace {

struct Conv {
  long batch, inH, inW, inC, outH, outW, outC, fH, fW, sH, sW, dH, dW, padT, padL;
  int act;
  long chMul;
  float alpha;
  const float* bias;
  const float* prelu;
};

// Bias and activation over `rows` output pixels of `c` (outC values each).
void Epilogue(const Conv& p, float* c, long rows) {
  const long n = p.outC;
  for (long r = 0; r < rows; ++r) {
    float* o = c + r * n;
    if (p.bias) {
      for (long j = 0; j < n; ++j) o[j] += p.bias[j];
    }
    switch (p.act) {
      case 1:
        for (long j = 0; j < n; ++j) o[j] = o[j] > 0.f ? o[j] : 0.f;
        break;
      case 2:
        for (long j = 0; j < n; ++j) o[j] = o[j] < 0.f ? 0.f : (o[j] > 6.f ? 6.f : o[j]);
        break;
      case 3:
        for (long j = 0; j < n; ++j) o[j] = o[j] < 0.f ? p.prelu[j] * o[j] : o[j];
        break;
      case 4:
        for (long j = 0; j < n; ++j) o[j] = o[j] < 0.f ? p.alpha * o[j] : o[j];
        break;
      case 5:
        for (long j = 0; j < n; ++j) o[j] = 1.f / (1.f + std::exp(-o[j]));
        break;
      case 6:
        for (long j = 0; j < n; ++j) o[j] = o[j] < 0.f ? std::expm1(o[j]) : o[j];
        break;
      default:
        break;
    }
  }
}

// The im2col row of output pixel `pix` (row-major over batch, outH, outW): fH * fW * inC values
// in the filter's (fh, fw, c) order, zeros where the window leaves the padded input.
void Im2colRow(const Conv& p, const float* x, long pix, float* row) {
  const long ow = pix % p.outW, oh = (pix / p.outW) % p.outH, b = pix / (p.outW * p.outH);
  const float* xb = x + b * p.inH * p.inW * p.inC;
  for (long fh = 0; fh < p.fH; ++fh) {
    const long ih = oh * p.sH - p.padT + fh * p.dH;
    for (long fw = 0; fw < p.fW; ++fw) {
      const long iw = ow * p.sW - p.padL + fw * p.dW;
      float* dst = row + (fh * p.fW + fw) * p.inC;
      if (ih < 0 || ih >= p.inH || iw < 0 || iw >= p.inW) {
        std::memset(dst, 0, sizeof(float) * p.inC);
      } else {
        std::memcpy(dst, xb + (ih * p.inW + iw) * p.inC, sizeof(float) * p.inC);
      }
    }
  }
}

void Conv2d(const Conv& p, const float* x, const float* f, float* out) {
  const long pixels = p.batch * p.outH * p.outW;
  const long k = p.fH * p.fW * p.inC;
  const bool pointwise = p.fH == 1 && p.fW == 1 && p.sH == 1 && p.sW == 1 && p.padT == 0 && p.padL == 0;
  // About 1 MB of im2col per chunk, in multiples of the micro-kernel's rows, at least 24 rows.
  long rows = std::max<long>(24, (1L << 18) / std::max<long>(1, k));
  rows = std::min(rows, pixels);
  const long chunks = (pixels + rows - 1) / rows;
  Pool::Get().ParallelFor(static_cast<int>(chunks), [&](int i) {
    const long r0 = i * rows, r1 = std::min(pixels, r0 + rows), m = r1 - r0;
    float* c = out + r0 * p.outC;
    if (pointwise) {
      OwnGemm(false, false, m, p.outC, k, x + r0 * p.inC, k, f, p.outC, 0.f, c, p.outC);
    } else {
      thread_local std::vector<float> cols;
      if (cols.size() < static_cast<size_t>(m * k)) cols.resize(static_cast<size_t>(m * k));
      for (long r = 0; r < m; ++r) Im2colRow(p, x, r0 + r, cols.data() + r * k);
      OwnGemm(false, false, m, p.outC, k, cols.data(), k, f, p.outC, 0.f, c, p.outC);
    }
    Epilogue(p, c, m);
  });
}

// One output row (b, oh) of a depthwise convolution.
void DepthwiseRow(const Conv& p, const float* x, const float* f, float* out, long b, long oh) {
  const long cm = p.chMul, oc = p.outC;
  const float* xb = x + b * p.inH * p.inW * p.inC;
  float* orow = out + (b * p.outH + oh) * p.outW * oc;
  std::memset(orow, 0, sizeof(float) * p.outW * oc);
  for (long fh = 0; fh < p.fH; ++fh) {
    const long ih = oh * p.sH - p.padT + fh * p.dH;
    if (ih < 0 || ih >= p.inH) continue;
    for (long fw = 0; fw < p.fW; ++fw) {
      const float* fp = f + (fh * p.fW + fw) * oc;
      for (long ow = 0; ow < p.outW; ++ow) {
        const long iw = ow * p.sW - p.padL + fw * p.dW;
        if (iw < 0 || iw >= p.inW) continue;
        const float* xp = xb + (ih * p.inW + iw) * p.inC;
        float* o = orow + ow * oc;
        if (cm == 1) {
          for (long c = 0; c < oc; ++c) o[c] += xp[c] * fp[c];
        } else {
          for (long c = 0; c < p.inC; ++c) {
            for (long q = 0; q < cm; ++q) o[c * cm + q] += xp[c] * fp[c * cm + q];
          }
        }
      }
    }
  }
  Epilogue(p, orow, p.outW);
}

void Depthwise(const Conv& p, const float* x, const float* f, float* out) {
  const long rows = p.batch * p.outH;
  Pool::Get().ParallelFor(static_cast<int>(rows),
                          [&](int i) { DepthwiseRow(p, x, f, out, i / p.outH, i % p.outH); });
}

// One dx row (b, ih) of the input gradient: dx[ih, iw, c] = sum over the taps (fh, fw) with
// oh * sH = ih + padT - fh * dH and ow * sW = iw + padL - fw * dW inside dy of
// sum_oc filter[fh, fw, c, oc] * dy[oh, ow, oc].
void BackpropInputRow(const Conv& p, const float* dy, const float* f, float* dx, long b, long ih) {
  const long ic = p.inC, oc = p.outC;
  const float* dyb = dy + b * p.outH * p.outW * oc;
  float* drow = dx + (b * p.inH + ih) * p.inW * ic;
  std::memset(drow, 0, sizeof(float) * p.inW * ic);
  for (long fh = 0; fh < p.fH; ++fh) {
    const long th = ih + p.padT - fh * p.dH;
    if (th < 0 || th % p.sH != 0 || th / p.sH >= p.outH) continue;
    const long oh = th / p.sH;
    for (long fw = 0; fw < p.fW; ++fw) {
      const float* fp = f + (fh * p.fW + fw) * ic * oc;
      for (long iw = 0; iw < p.inW; ++iw) {
        const long tw = iw + p.padL - fw * p.dW;
        if (tw < 0 || tw % p.sW != 0 || tw / p.sW >= p.outW) continue;
        const float* g = dyb + (oh * p.outW + tw / p.sW) * oc;
        float* o = drow + iw * ic;
        for (long c = 0; c < ic; ++c) {
          const float* w = fp + c * oc;
          float s = 0.f;
#pragma omp simd reduction(+ : s)
          for (long q = 0; q < oc; ++q) s += w[q] * g[q];
          o[c] += s;
        }
      }
    }
  }
}

// Parses and checks the arguments of both entry points; false with a JS error thrown otherwise.
bool ParseConv(napi_env env, napi_callback_info info, bool depthwise, Conv* p, Typed<float>* x, Typed<float>* f,
               Typed<float>* out) {
  napi_value argv[7];
  const char* usage = depthwise ? "depthwiseConv2d(x, filter, out, bias, prelu, dims, alpha)"
                                : "conv2d(x, filter, out, bias, prelu, dims, alpha)";
  if (!Args(env, info, 7, argv, usage)) return false;
  Typed<float> bias, prelu;
  Typed<int32_t> dims;
  if (!F32(env, argv[0], "conv: x", x) || !F32(env, argv[1], "conv: filter", f) || !F32(env, argv[2], "conv: out", out) ||
      !I32(env, argv[5], "conv: dims", &dims)) {
    return false;
  }
  napi_valuetype t3, t4;
  napi_typeof(env, argv[3], &t3);
  napi_typeof(env, argv[4], &t4);
  if (t3 != napi_null && t3 != napi_undefined && !F32(env, argv[3], "conv: bias", &bias)) return false;
  if (t4 != napi_null && t4 != napi_undefined && !F32(env, argv[4], "conv: prelu", &prelu)) return false;
  double alpha = 0;
  if (!Num(env, argv[6], "conv: alpha", &alpha)) return false;
  if (dims.length != 17) {
    Throw(env, "conv: dims must hold 17 values");
    return false;
  }
  const int32_t* d = dims.data;
  for (int i = 0; i < 17; ++i) {
    if (d[i] < 0 || (i < 13 && d[i] == 0) || (i == 16 && d[i] == 0)) {
      Throw(env, "conv: dims[" + std::to_string(i) + "] out of range");
      return false;
    }
  }
  *p = Conv{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
            d[15], d[16], static_cast<float>(alpha), bias.data, prelu.data};
  const long fsize = depthwise ? p->fH * p->fW * p->inC * p->chMul : p->fH * p->fW * p->inC * p->outC;
  if (depthwise && p->outC != p->inC * p->chMul) {
    Throw(env, "depthwiseConv2d: outC must be inC * channelMul");
    return false;
  }
  if (p->act == 3 && !p->prelu) {
    Throw(env, "conv: prelu activation without weights");
    return false;
  }
  return Fits(env, *x, p->batch * p->inH * p->inW * p->inC, "conv: x") && Fits(env, *f, fsize, "conv: filter") &&
         Fits(env, *out, p->batch * p->outH * p->outW * p->outC, "conv: out") &&
         (!p->bias || Fits(env, bias, p->outC, "conv: bias")) && (!p->prelu || Fits(env, prelu, p->outC, "conv: prelu"));
}

napi_value Conv2dEntry(napi_env env, napi_callback_info info) {
  Conv p;
  Typed<float> x, f, out;
  if (ParseConv(env, info, false, &p, &x, &f, &out)) Conv2d(p, x.data, f.data, out.data);
  return nullptr;
}

napi_value DepthwiseEntry(napi_env env, napi_callback_info info) {
  Conv p;
  Typed<float> x, f, out;
  if (ParseConv(env, info, true, &p, &x, &f, &out)) Depthwise(p, x.data, f.data, out.data);
  return nullptr;
}

// pool2d(op, x, out, dims = [batch, inH, inW, C, outH, outW, fH, fW, strideH, strideW, dilH, dilW,
//                            padTop, padLeft]); op 0 max, 1 average over the window's pixels inside
// the input (padding is not counted), as tfjs's cpu kernels.
struct Pool2d {
  long batch, inH, inW, c, outH, outW, fH, fW, sH, sW, dH, dW, padT, padL;
};

void PoolRow(const Pool2d& p, int op, const float* x, float* out, long b, long oh) {
  const float* xb = x + b * p.inH * p.inW * p.c;
  float* orow = out + (b * p.outH + oh) * p.outW * p.c;
  for (long ow = 0; ow < p.outW; ++ow) {
    float* o = orow + ow * p.c;
    const float init = op == 0 ? -INFINITY : 0.f;
    for (long ch = 0; ch < p.c; ++ch) o[ch] = init;
    long count = 0;
    for (long fh = 0; fh < p.fH; ++fh) {
      const long ih = oh * p.sH - p.padT + fh * p.dH;
      if (ih < 0 || ih >= p.inH) continue;
      for (long fw = 0; fw < p.fW; ++fw) {
        const long iw = ow * p.sW - p.padL + fw * p.dW;
        if (iw < 0 || iw >= p.inW) continue;
        const float* xp = xb + (ih * p.inW + iw) * p.c;
        ++count;
        if (op == 0) {
          for (long ch = 0; ch < p.c; ++ch) o[ch] = (xp[ch] > o[ch] || xp[ch] != xp[ch]) ? xp[ch] : o[ch];
        } else {
          for (long ch = 0; ch < p.c; ++ch) o[ch] += xp[ch];
        }
      }
    }
    if (op == 1) {
      const float inv = count > 0 ? 1.f / static_cast<float>(count) : 0.f;
      for (long ch = 0; ch < p.c; ++ch) o[ch] *= inv;
    }
  }
}

napi_value Pool2dEntry(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!Args(env, info, 4, argv, "pool2d(op, x, out, dims)")) return nullptr;
  double opd;
  Typed<float> x, out;
  Typed<int32_t> dims;
  if (!Num(env, argv[0], "pool2d: op", &opd) || !F32(env, argv[1], "pool2d: x", &x) ||
      !F32(env, argv[2], "pool2d: out", &out) || !I32(env, argv[3], "pool2d: dims", &dims)) {
    return nullptr;
  }
  const int op = static_cast<int>(opd);
  if (op != 0 && op != 1) return Throw(env, "pool2d: op must be 0 (max) or 1 (average)");
  if (dims.length != 14) return Throw(env, "pool2d: dims must hold 14 values");
  const int32_t* d = dims.data;
  for (int i = 0; i < 14; ++i) {
    if (d[i] < 0 || (i < 12 && d[i] == 0)) return Throw(env, "pool2d: dims[" + std::to_string(i) + "] out of range");
  }
  const Pool2d p{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13]};
  if (!Fits(env, x, p.batch * p.inH * p.inW * p.c, "pool2d: x") ||
      !Fits(env, out, p.batch * p.outH * p.outW * p.c, "pool2d: out")) {
    return nullptr;
  }
  Pool::Get().ParallelFor(static_cast<int>(p.batch * p.outH),
                          [&](int i) { PoolRow(p, op, x.data, out.data, i / p.outH, i % p.outH); });
  return nullptr;
}

}  // namespace

napi_value BackpropInputEntry(napi_env env, napi_callback_info info) {
  napi_value argv[4];
  if (!Args(env, info, 4, argv, "conv2dBackpropInput(dy, filter, dx, dims)")) return nullptr;
  Typed<float> dy, f, dx;
  Typed<int32_t> dims;
  if (!F32(env, argv[0], "conv2dBackpropInput: dy", &dy) || !F32(env, argv[1], "conv2dBackpropInput: filter", &f) ||
      !F32(env, argv[2], "conv2dBackpropInput: dx", &dx) || !I32(env, argv[3], "conv2dBackpropInput: dims", &dims)) {
    return nullptr;
  }
  if (dims.length != 17) return Throw(env, "conv2dBackpropInput: dims must hold 17 values");
  const int32_t* d = dims.data;
  for (int i = 0; i < 15; ++i) {
    if (d[i] < 0 || (i < 13 && d[i] == 0)) {
      return Throw(env, "conv2dBackpropInput: dims[" + std::to_string(i) + "] out of range");
    }
  }
  const Conv p{d[0], d[1], d[2], d[3], d[4], d[5], d[6], d[7], d[8], d[9], d[10], d[11], d[12], d[13], d[14],
               0, 1, 0.f, nullptr, nullptr};
  if (!Fits(env, dy, p.batch * p.outH * p.outW * p.outC, "conv2dBackpropInput: dy") ||
      !Fits(env, f, p.fH * p.fW * p.inC * p.outC, "conv2dBackpropInput: filter") ||
      !Fits(env, dx, p.batch * p.inH * p.inW * p.inC, "conv2dBackpropInput: dx")) {
    return nullptr;
  }
  Pool::Get().ParallelFor(static_cast<int>(p.batch * p.inH), [&](int i) {
    BackpropInputRow(p, dy.data, f.data, dx.data, i / p.inH, i % p.inH);
  });
  return nullptr;
}

void DefineConv(napi_env env, napi_value exports) {
  Define(env, exports, "conv2dBackpropInput", BackpropInputEntry);
  Define(env, exports, "conv2d", Conv2dEntry);
  Define(env, exports, "depthwiseConv2d", DepthwiseEntry);
  Define(env, exports, "pool2d", Pool2dEntry);
}

}  // namespace ppma
