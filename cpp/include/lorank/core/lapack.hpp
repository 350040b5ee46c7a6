// SPDX-License-Identifier: MIT
#pragma once
/// \file Thin typed wrappers over the few BLAS/LAPACK routines lorank calls.
///
/// `gemm` is **row-major**: C(m x n) = alpha * op(A) op(B) + beta * C, with op(A) m x k.
/// The factorizations are **column-major** (LAPACK's convention); the TT code reads a
/// row-major (rows x cols) block as the column-major (cols x rows) matrix, which is why the
/// algorithms factor transposed unfoldings. All functions are thread-safe (no shared state)
/// and throw lorank::LapackError when LAPACK reports info != 0.
#include <functional>
#include <vector>

#include "lorank/core/types.hpp"

namespace lorank::lapack {

enum class Op : char { N = 'N', T = 'T', C = 'C' };

/// Row-major GEMM; lda/ldb/ldc are row strides.
template <class T>
void gemm(Op opa, Op opb, index_t m, index_t n, index_t k, T alpha, const T* a, index_t lda,
          const T* b, index_t ldb, T beta, T* c, index_t ldc);

/// Largest |Re| + |Im| (|x| for real types) among n contiguous entries (BLAS i?amax).
template <class T>
real_t<T> max_abs(index_t n, const T* x);

/// x <- alpha * x for n contiguous entries and a real alpha (BLAS ?scal / ?dscal).
template <class T>
void scale(index_t n, real_t<T> alpha, T* x);

/// Column-major thin QR in place: on exit `a` (m x n, lda) holds the explicit Q (m x p,
/// p = min(m, n)) and `r` (p x n, column-major, ld p) the upper-triangular factor.
template <class T>
void qr(index_t m, index_t n, T* a, index_t lda, T* r);

/// Column-major QR keeping only R: on exit `r` (p x n, column-major, ld p, p = min(m, n))
/// holds the upper-triangular factor; `a` is overwritten by the Householder reflectors.
template <class T>
void qr_r(index_t m, index_t n, T* a, index_t lda, T* r);

/// Column-major thin QR of a tall matrix (m >= n) by CholeskyQR2 (Fukaya, Nakatsukasa,
/// Yanagisawa, Yamamoto 2014): two Gram/Cholesky/triangular-solve passes, all level-3 BLAS.
/// Same outputs as `qr` (r is n x n). It certifies that the second Gram matrix lies within
/// 1/2 of the identity, so Q is orthonormal to O(eps); otherwise it restores `a` and
/// returns false (the caller then uses a Householder QR). With `r2` (n x n, column-major),
/// the second triangular solve is left to the caller: `a` holds Q1 with Q = Q1 inv(R2), and
/// `r2` the upper-triangular R2 (a caller applying inv(R2) to a few rows saves the solve
/// with all m rows).
template <class T>
bool cholesky_qr2(index_t m, index_t n, T* a, index_t lda, T* r, T* r2 = nullptr);

/// R (n x n, upper, column-major) with R^H R = A^H A for a tall A (m >= n): one Cholesky
/// pass (CholeskyQR without forming Q), A untouched. Returns LAPACK's estimate of
/// 1 / cond_1(R) (trcon), or 0 where the Gram matrix is not numerically positive definite.
/// Q = A inv(R) is then orthonormal to about eps cond(R)^2.
template <class T>
double cholesky_r(index_t m, index_t n, const T* a, index_t lda, T* r);

/// Lower triangle of the column-major C (n x n, ldc) = A A^H for A (n x k, lda), or with
/// `conj_trans` C = A^H A for A (k x n, lda) (BLAS herk/syrk: half a GEMM's work).
template <class T>
void herk_lower(bool conj_trans, index_t n, index_t k, const T* a, index_t lda, T* c,
                index_t ldc);

/// Column-major B (n x nrhs, ldb) <- inv(R) B for an upper-triangular R (n x n, ldr).
template <class T>
void solve_upper(index_t n, index_t nrhs, const T* r, index_t ldr, T* b, index_t ldb);

/// Column-major rank-revealing QR with column pivoting (geqp3): A P = Q R. The trailing
/// rows of R whose Frobenius norm is <= `drop_tol` are dropped, leaving rank rho >= 1.
/// On exit `a` holds Q1 (m x rho), `r` the rows [R11 R12] (rho x n, column-major, ld rho),
/// `perm[j]` the original index of column j, and `dropped` the Frobenius norm dropped
/// (computed in units of |R_11|, so entries near the overflow threshold are fine).
template <class T>
index_t qr_pivoted(index_t m, index_t n, T* a, index_t lda, double drop_tol,
                   std::vector<index_t>& perm, std::vector<T>& r, double& dropped);

/// Column-major thin SVD (gesdd, divide and conquer): a (m x n, lda) is destroyed;
/// u is m x p (ld m), s has p values descending, vt is p x n (ld p), p = min(m, n).
template <class T>
void svd(index_t m, index_t n, T* a, index_t lda, T* u, real_t<T>* s, T* vt);

/// Hermitian eigendecomposition (syevd/heevd), column-major (lower triangle read),
/// ascending eigenvalues; on exit `a` holds the eigenvectors.
template <class T>
void eigh(index_t n, T* a, index_t lda, real_t<T>* w);

/// The largest eigenpairs of a Hermitian matrix (column-major, lower triangle read). All
/// eigenvalues go to `w`, ascending; `count(w)` then says how many of the largest, k, need
/// eigenvectors, and those end in the last k columns of `a` (as `eigh` would leave them;
/// the other columns are unspecified). Returns k.
///
/// Real matrices of order >= 24 take the tridiagonal route: Householder reduction (our
/// vectorized one for orders <= 100 on CPUs with AVX2, see simd_level(); else sytrd),
/// eigenvalues by sterf, the k vectors by inverse iteration on the tridiagonal with
/// vectors of close eigenvalues reorthogonalized (as LAPACK's stein), back-transformed by
/// ormtr: O(n^3) for the reduction and O(n k) for the vectors, about half the time of the
/// divide-and-conquer `eigh` at orders 40-100. The pairs are checked (residual below
/// 20 n eps ||A||, inner products within 1e4 eps of the identity's) and on failure, as for
/// complex or small matrices, everything comes from `eigh`.
template <class T>
index_t eigh_top(index_t n, T* a, index_t lda, real_t<T>* w,
                 const std::function<index_t(const real_t<T>*)>& count);

/// Eigenvalues, descending, of `count` Hermitian matrices of order n, each stored row-major
/// (n x n, contiguous, lower triangle read) at `mats[b]`, into `w` (count x n). Each matrix is reduced to a real tridiagonal one by Householder reflections
/// and its eigenvalues found by the root-free QR iteration (sterf): with AVX2 and order <= 80,
/// by our unit-stride reduction on split real and imaginary parts (1.1-1.3x LAPACK's hetd2 at
/// orders 32-64 on the dev box, whose level-2 BLAS is already vectorized); otherwise, or when
/// the entries' range needs LAPACK's scaling, by hetrd. No eigenvectors, no workspace query
/// per matrix, GIL released by the binding. The caller is the batch of Gram matrices of a
/// convolution's symbol (lorank.spectral.conv_singular_values).
void batched_eigvalsh(index_t count, index_t n, const cdouble* const* mats, double* w);

/// The instruction set lorank's own dense loops (tridiagonal reduction) run with on this
/// CPU: "avx2+fma", or "baseline" (x86-64 SSE2, other architectures, or the environment
/// variable LORANK_DISABLE_AVX2=1). BLAS and LAPACK pick their own kernels.
const char* simd_level();

}  // namespace lorank::lapack
