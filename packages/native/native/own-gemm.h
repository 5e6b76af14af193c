// Our own blocked, packed single-precision GEMM, used when OpenBLAS is absent or not wanted
// (docs/ARCHITECTURE.md §3, "Native kernels"). One binary carries micro-kernels for AVX-512,
// AVX2+FMA and a generic one (SSE2 on x86-64), chosen at run time from CPUID.
#pragma once

namespace ppma {

// C (row-major, leading dimension ldc) = beta * C + op(A) * op(B), beta 0 or 1.
// op(A) is M x K (stored K x M, leading dimension lda, when ta); op(B) is K x N (stored N x K when tb).
void OwnGemm(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb, float beta,
             float* C, long ldc);

// The same, split over the pool's threads (by rows or columns) when the product is large enough.
void OwnGemmThreaded(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb,
                     float beta, float* C, long ldc);

// One single-threaded product on the GEMM in use (OpenBLAS when selected, else ours), safe to call
// from pool tasks once SerialGemmBegin() ran on the calling thread (defined in gemm.cc).
void SerialGemm(bool ta, bool tb, long M, long N, long K, const float* A, long lda, const float* B, long ldb,
                float beta, float* C, long ldc);
// Puts OpenBLAS on one thread before pool tasks call SerialGemm.
void SerialGemmBegin();

// Micro-kernel in use: "AVX-512", "AVX2" or "generic".
const char* OwnGemmIsa();

// Picks the micro-kernel: "auto" (best the CPU supports), "avx512", "avx2" or "generic".
// Returns false (and changes nothing) when the CPU lacks the instruction set.
bool SetOwnGemmIsa(const char* name);

}  // namespace ppma
