// The broadcast walk shared by the elementwise binary ops (ops.cc) and the comparisons
// (post-ops.cc): `dims` = [rank, outShape[rank], aStrides[rank], bStrides[rank]], strides in
// elements and 0 where an input broadcasts; the output is written row by row (the last axis),
// rows split over the pool.
#pragma once

#include <algorithm>
#include <string>
#include <vector>

#include "napi-util.h"
#include "pool.h"

namespace ppma {

// `row(a, strideA, b, strideB, out, n)` computes one output row. `name` prefixes every error.
template <typename Out, typename RowFn>
napi_value BroadcastRows(napi_env env, const char* name, const Typed<float>& a, const Typed<float>& b,
                         const Typed<Out>& y, const Typed<int32_t>& dims, long grain, RowFn row) {
  const std::string n(name);
  const int rank = dims.length > 0 ? dims.data[0] : -1;
  if (rank < 1 || dims.length != static_cast<size_t>(1 + 3 * rank)) return Throw(env, n + ": bad dims");
  const int32_t* shape = dims.data + 1;
  const int32_t* sa = shape + rank;
  const int32_t* sb = sa + rank;
  long total = 1, max_a = 0, max_b = 0;
  for (int r = 0; r < rank; ++r) {
    total *= shape[r];
    max_a += static_cast<long>(shape[r] - 1) * sa[r];
    max_b += static_cast<long>(shape[r] - 1) * sb[r];
  }
  if (total == 0) return nullptr;
  if (!Fits(env, a, max_a + 1, (n + ": a").c_str()) || !Fits(env, b, max_b + 1, (n + ": b").c_str()) ||
      !Fits(env, y, total, (n + ": out").c_str()))
    return nullptr;
  const long inner = shape[rank - 1];
  const long rows = total / inner;
  ParallelRange(rows, std::max<long>(1, grain / inner), [&](long r0, long r1) {
    std::vector<long> idx(rank, 0);
    long rem = r0;
    for (int r = rank - 2; r >= 0; --r) {
      idx[r] = rem % shape[r];
      rem /= shape[r];
    }
    for (long r = r0; r < r1; ++r) {
      long oa = 0, ob = 0;
      for (int k = 0; k < rank - 1; ++k) {
        oa += idx[k] * sa[k];
        ob += idx[k] * sb[k];
      }
      row(a.data + oa, sa[rank - 1], b.data + ob, sb[rank - 1], y.data + r * inner, inner);
      for (int k = rank - 2; k >= 0; --k) {
        if (++idx[k] < shape[k]) break;
        idx[k] = 0;
      }
    }
  });
  return nullptr;
}

}  // namespace ppma
