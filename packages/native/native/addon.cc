// Entry point of the @ppma/native N-API addon: GEMM (gemm.cc), convolutions (conv.cc), the other
// kernels (ops.cc, norm-ops.cc) and the detectors' post-processing kernels (post-ops.cc),
// and the fused attention (attention.cc).
#include "napi-util.h"

static napi_value Init(napi_env env, napi_value exports) {
  ppma::DefineGemm(env, exports);
  ppma::DefineOps(env, exports);
  ppma::DefineConv(env, exports);
  ppma::DefinePostOps(env, exports);
  ppma::DefineAttention(env, exports);
  return exports;
}

NAPI_MODULE(NODE_GYP_MODULE_NAME, Init)
