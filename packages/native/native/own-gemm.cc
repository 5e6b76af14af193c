// Blocked, packed SGEMM in the Goto/BLIS layout (see own-gemm.h). C is cut into NC-column and
// KC-deep blocks of B (packed into NR-wide panels) and MC-row blocks of A (packed into MR-high
// panels); a register-blocked MR x NR micro-kernel multiplies one pair of panels.
#include "own-gemm.h"

#include <algorithm>
#include <cstring>
#include <vector>

#include "pool.h"

#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#define PPMA_X86 1
#endif

namespace ppma {
namespace {

using MicroKernel = void (*)(long kc, const float* A, const float* B, float* C, long ldc, bool acc);

struct Isa {
  const char* name;
  int mr, nr;
  MicroKernel kernel;
};

constexpr long kKC = 256;
constexpr long kMC = 144;   // a multiple of every MR (12, 6, 4)
constexpr long kNC = 3072;  // a multiple of every NR (32, 16, 8)

// Generic micro-kernel, 4 x 8: plain loops the compiler vectorises for the baseline (SSE2 on x86-64).
void MkGeneric(long kc, const float* A, const float* B, float* C, long ldc, bool acc) {
  float c[4][8] = {};
  for (long p = 0; p < kc; ++p, A += 4, B += 8) {
    for (int i = 0; i < 4; ++i) {
      for (int j = 0; j < 8; ++j) c[i][j] += A[i] * B[j];
    }
  }
  for (int i = 0; i < 4; ++i) {
    float* row = C + i * ldc;
    for (int j = 0; j < 8; ++j) row[j] = acc ? row[j] + c[i][j] : c[i][j];
  }
}

#ifdef PPMA_X86
// AVX2 + FMA micro-kernel, 6 x 16: 12 accumulators, 2 loads of B and 6 broadcasts of A per step.
__attribute__((target("avx2,fma"))) void MkAvx2(long kc, const float* A, const float* B, float* C, long ldc,
                                                bool acc) {
  __m256 c[6][2];
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) c[i][0] = c[i][1] = _mm256_setzero_ps();
  for (long p = 0; p < kc; ++p, A += 6, B += 16) {
    const __m256 b0 = _mm256_loadu_ps(B), b1 = _mm256_loadu_ps(B + 8);
#pragma GCC unroll 6
    for (int i = 0; i < 6; ++i) {
      const __m256 a = _mm256_broadcast_ss(A + i);
      c[i][0] = _mm256_fmadd_ps(a, b0, c[i][0]);
      c[i][1] = _mm256_fmadd_ps(a, b1, c[i][1]);
    }
  }
#pragma GCC unroll 6
  for (int i = 0; i < 6; ++i) {
    float* row = C + i * ldc;
    if (acc) {
      c[i][0] = _mm256_add_ps(c[i][0], _mm256_loadu_ps(row));
      c[i][1] = _mm256_add_ps(c[i][1], _mm256_loadu_ps(row + 8));
    }
    _mm256_storeu_ps(row, c[i][0]);
    _mm256_storeu_ps(row + 8, c[i][1]);
  }
}

// AVX-512 micro-kernel, 12 x 32: 24 of the 32 zmm registers accumulate.
__attribute__((target("avx512f"))) void MkAvx512(long kc, const float* A, const float* B, float* C, long ldc,
                                                 bool acc) {
  __m512 c[12][2];
#pragma GCC unroll 12
  for (int i = 0; i < 12; ++i) c[i][0] = c[i][1] = _mm512_setzero_ps();
  for (long p = 0; p < kc; ++p, A += 12, B += 32) {
    const __m512 b0 = _mm512_loadu_ps(B), b1 = _mm512_loadu_ps(B + 16);
#pragma GCC unroll 12
    for (int i = 0; i < 12; ++i) {
      const __m512 a = _mm512_set1_ps(A[i]);
      c[i][0] = _mm512_fmadd_ps(a, b0, c[i][0]);
      c[i][1] = _mm512_fmadd_ps(a, b1, c[i][1]);
    }
  }
#pragma GCC unroll 12
  for (int i = 0; i < 12; ++i) {
    float* row = C + i * ldc;
    if (acc) {
      c[i][0] = _mm512_add_ps(c[i][0], _mm512_loadu_ps(row));
      c[i][1] = _mm512_add_ps(c[i][1], _mm512_loadu_ps(row + 16));
    }
    _mm512_storeu_ps(row, c[i][0]);
    _mm512_storeu_ps(row + 16, c[i][1]);
  }
}
#endif

const Isa kGeneric = {"generic", 4, 8, MkGeneric};
#ifdef PPMA_X86
const Isa kAvx2 = {"AVX2", 6, 16, MkAvx2};
const Isa kAvx512 = {"AVX-512", 12, 32, MkAvx512};
#endif

bool Supports(const char* name) {
#ifdef PPMA_X86
  __builtin_cpu_init();
  if (std::strcmp(name, "avx512") == 0) return __builtin_cpu_supports("avx512f");
  if (std::strcmp(name, "avx2") == 0) return __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
#endif
  return std::strcmp(name, "generic") == 0;
}

const Isa* Best() {
#ifdef PPMA_X86
  if (Supports("avx512")) return &kAvx512;
  if (Supports("avx2")) return &kAvx2;
#endif
  return &kGeneric;
}

const Isa* g_isa = nullptr;

const Isa& Current() {
  if (!g_isa) g_isa = Best();
  return *g_isa;
}

// Packs rows [0, mc) x depth [0, kc) of op(A) into MR-high panels, zero-padding the last one.
void PackA(const Isa& isa, bool ta, const float* A, long lda, long mc, long kc, float* out) {
  const int mr = isa.mr;
  for (long ir = 0; ir < mc; ir += mr) {
    const long rows = std::min<long>(mr, mc - ir);
    for (long p = 0; p < kc; ++p) {
      for (long i = 0; i < rows; ++i) out[i] = ta ? A[p * lda + ir + i] : A[(ir + i) * lda + p];
      for (long i = rows; i < mr; ++i) out[i] = 0.f;
      out += mr;
    }
  }
}

// Packs depth [0, kc) x columns [0, nc) of op(B) into NR-wide panels, zero-padding the last one.
void PackB(const Isa& isa, bool tb, const float* B, long ldb, long kc, long nc, float* out) {
  const int nr = isa.nr;
  for (long jr = 0; jr < nc; jr += nr) {
    const long cols = std::min<long>(nr, nc - jr);
    for (long p = 0; p < kc; ++p) {
      if (!tb && cols == nr) {
        std::memcpy(out, B + p * ldb + jr, sizeof(float) * nr);
      } else {
        for (long j = 0; j < cols; ++j) out[j] = tb ? B[(jr + j) * ldb + p] : B[p * ldb + jr + j];
        for (long j = cols; j < nr; ++j) out[j] = 0.f;
      }
      out += nr;
    }
  }
}

}  // namespace

const char* OwnGemmIsa() { return Current().name; }

bool SetOwnGemmIsa(const char* name) {
  if (std::strcmp(name, "auto") == 0) {
    g_isa = Best();
    return true;
  }
  if (!Supports(name)) return false;
#ifdef PPMA_X86
  if (std::strcmp(name, "avx512") == 0) g_isa = &kAvx512;
  if (std::strcmp(name, "avx2") == 0) g_isa = &kAvx2;
#endif
  if (std::strcmp(name, "generic") == 0) g_isa = &kGeneric;
  return true;
}

void OwnGemm(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb, float beta,
             float* C, long ldc) {
  const Isa& isa = Current();
  const int mr = isa.mr, nr = isa.nr;
  thread_local std::vector<float> abuf, bbuf;
  abuf.resize(kMC * kKC);
  bbuf.resize(kKC * kNC);
  float edge[12 * 32];
  if (K == 0) {
    if (beta == 0.f) {
      for (long i = 0; i < M; ++i) std::memset(C + i * ldc, 0, sizeof(float) * N);
    }
    return;
  }
  for (long jc = 0; jc < N; jc += kNC) {
    const long nc = std::min(kNC, N - jc);
    for (long pc = 0; pc < K; pc += kKC) {
      const long kc = std::min(kKC, K - pc);
      const bool acc = pc > 0 || beta != 0.f;
      PackB(isa, tb, tb ? B + jc * ldb + pc : B + pc * ldb + jc, ldb, kc, nc, bbuf.data());
      for (long ic = 0; ic < M; ic += kMC) {
        const long mc = std::min(kMC, M - ic);
        PackA(isa, ta, ta ? A + pc * lda + ic : A + ic * lda + pc, lda, mc, kc, abuf.data());
        for (long jr = 0; jr < nc; jr += nr) {
          const long cols = std::min<long>(nr, nc - jr);
          for (long ir = 0; ir < mc; ir += mr) {
            const long rows = std::min<long>(mr, mc - ir);
            float* c = C + (ic + ir) * ldc + jc + jr;
            const float* ap = abuf.data() + ir * kc;
            const float* bp = bbuf.data() + jr * kc;
            if (rows == mr && cols == nr) {
              isa.kernel(kc, ap, bp, c, ldc, acc);
              continue;
            }
            isa.kernel(kc, ap, bp, edge, nr, false);
            for (long i = 0; i < rows; ++i) {
              for (long j = 0; j < cols; ++j) c[i * ldc + j] = acc ? c[i * ldc + j] + edge[i * nr + j] : edge[i * nr + j];
            }
          }
        }
      }
    }
  }
}

void OwnGemmThreaded(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb,
                     float beta, float* C, long ldc) {
  const Isa& isa = Current();
  const int threads = Pool::Get().Threads();
  if (threads == 1 || 2.0 * M * N * K < 4e6) {
    OwnGemm(ta, tb, M, N, K, A, lda, B, ldb, beta, C, ldc);
    return;
  }
  if (M >= N || N < 2L * isa.nr) {
    // Rows: each thread packs its own A and the whole B.
    long chunk = ((M + threads - 1) / threads + isa.mr - 1) / isa.mr * isa.mr;
    Pool::Get().ParallelFor(threads, [&](int t) {
      long b = t * chunk, e = std::min(M, b + chunk);
      if (b >= e) return;
      OwnGemm(ta, tb, e - b, N, K, ta ? A + b : A + b * lda, lda, B, ldb, beta, C + b * ldc, ldc);
    });
  } else {
    long chunk = ((N + threads - 1) / threads + isa.nr - 1) / isa.nr * isa.nr;
    Pool::Get().ParallelFor(threads, [&](int t) {
      long b = t * chunk, e = std::min(N, b + chunk);
      if (b >= e) return;
      OwnGemm(ta, tb, M, e - b, K, A, lda, tb ? B + b * ldb : B + b, ldb, beta, C + b, ldc);
    });
  }
}

}  // namespace ppma
