// SPDX-License-Identifier: MIT
#include "lorank/core/lapack.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "lapack_decl.hpp"
#include "lorank/core/error.hpp"

namespace lorank::lapack {
namespace {

f_int to_int(index_t v, const char* what) {
  LORANK_CHECK(v >= 0 && v <= std::numeric_limits<f_int>::max(), Error, "lapack: ", what, " = ",
               v, " exceeds the 32-bit LAPACK index range");
  return static_cast<f_int>(v);
}

void check_info(f_int info, const char* routine) {
  if (info != 0) {
    std::ostringstream os;
    os << routine << " failed with info = " << info;
    throw LapackError(os.str(), info);
  }
}

template <class T>
f_int work_size(T w) {
  return static_cast<f_int>(std::real(w)) + 1;
}

// Column-major Fortran gemm dispatch.
#define LORANK_GEMM_CALL(p, T)                                                             \
  void f_gemm(char ta, char tb, f_int m, f_int n, f_int k, T alpha, const T* a, f_int lda, \
              const T* b, f_int ldb, T beta, T* c, f_int ldc) {                             \
    LORANK_F77(p##gemm)(&ta, &tb, &m, &n, &k, &alpha, a, &lda, b, &ldb, &beta, c, &ldc, 1, 1); \
  }
LORANK_GEMM_CALL(s, float)
LORANK_GEMM_CALL(d, double)
LORANK_GEMM_CALL(c, cfloat)
LORANK_GEMM_CALL(z, cdouble)

#define LORANK_GEMV_CALL(p, T)                                                                \
  void f_gemv(char t, f_int m, f_int n, T alpha, const T* a, f_int lda, const T* x, f_int incx, \
              T beta, T* y, f_int incy) {                                                     \
    LORANK_F77(p##gemv)(&t, &m, &n, &alpha, a, &lda, x, &incx, &beta, y, &incy, 1);           \
  }
LORANK_GEMV_CALL(s, float)
LORANK_GEMV_CALL(d, double)

#define LORANK_QR_CALL(p, org, T)                                                     \
  void f_geqrf(f_int m, f_int n, T* a, f_int lda, T* tau, T* w, f_int lw, f_int* info) { \
    LORANK_F77(p##geqrf)(&m, &n, a, &lda, tau, w, &lw, info);                          \
  }                                                                                    \
  void f_orgqr(f_int m, f_int n, f_int k, T* a, f_int lda, const T* tau, T* w, f_int lw, \
               f_int* info) {                                                          \
    LORANK_F77(org)(&m, &n, &k, a, &lda, tau, w, &lw, info);                           \
  }
LORANK_QR_CALL(s, sorgqr, float)
LORANK_QR_CALL(d, dorgqr, double)
LORANK_QR_CALL(c, cungqr, cfloat)
LORANK_QR_CALL(z, zungqr, cdouble)

#define LORANK_SVD_REAL(p, T)                                                               \
  void f_gesdd(f_int m, f_int n, T* a, f_int lda, T* s, T* u, f_int ldu, T* vt, f_int ldvt, \
               T* w, f_int lw, T*, f_int* iw, f_int* info) {                                 \
    char j = 'S';                                                                           \
    LORANK_F77(p##gesdd)(&j, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, iw, info, 1);  \
  }
#define LORANK_SVD_CPLX(p, T, R)                                                          \
  void f_gesdd(f_int m, f_int n, T* a, f_int lda, R* s, T* u, f_int ldu, T* vt, f_int ldvt, \
               T* w, f_int lw, R* rw, f_int* iw, f_int* info) {                            \
    char j = 'S';                                                                          \
    LORANK_F77(p##gesdd)(&j, &m, &n, a, &lda, s, u, &ldu, vt, &ldvt, w, &lw, rw, iw, info, 1); \
  }
LORANK_SVD_REAL(s, float)
LORANK_SVD_REAL(d, double)
LORANK_SVD_CPLX(c, cfloat, float)
LORANK_SVD_CPLX(z, cdouble, double)

#define LORANK_EIG_REAL(p, T)                                                                \
  void f_eigh(f_int n, T* a, f_int lda, T* w, T* work, f_int lw, T*, f_int, f_int* iw,        \
              f_int liw, f_int* info) {                                                       \
    char jz = 'V', up = 'L';                                                                 \
    LORANK_F77(p##syevd)(&jz, &up, &n, a, &lda, w, work, &lw, iw, &liw, info, 1, 1);          \
  }
#define LORANK_EIG_CPLX(p, T, R)                                                               \
  void f_eigh(f_int n, T* a, f_int lda, R* w, T* work, f_int lw, R* rw, f_int lrw, f_int* iw,  \
              f_int liw, f_int* info) {                                                         \
    char jz = 'V', up = 'L';                                                                   \
    LORANK_F77(p##heevd)(&jz, &up, &n, a, &lda, w, work, &lw, rw, &lrw, iw, &liw, info, 1, 1);  \
  }
LORANK_EIG_REAL(s, float)
LORANK_EIG_REAL(d, double)
LORANK_EIG_CPLX(c, cfloat, float)
LORANK_EIG_CPLX(z, cdouble, double)

#define LORANK_L3_CALL(p, T, R, herk)                                                        \
  void f_trsm_run(f_int m, f_int n, const T* a, f_int lda, T* b, f_int ldb) {                \
    /* B <- B * inv(A), A upper triangular, non-unit */                                      \
    const char side = 'R', uplo = 'U', tr = 'N', dg = 'N';                                   \
    const T one(1);                                                                          \
    LORANK_F77(p##trsm)(&side, &uplo, &tr, &dg, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1); \
  }                                                                                          \
  void f_trsm_left(f_int m, f_int n, const T* a, f_int lda, T* b, f_int ldb) {               \
    /* B <- inv(A) * B, A upper triangular, non-unit */                                      \
    const char side = 'L', uplo = 'U', tr = 'N', dg = 'N';                                   \
    const T one(1);                                                                          \
    LORANK_F77(p##trsm)(&side, &uplo, &tr, &dg, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1); \
  }                                                                                          \
  void f_trmm_left(f_int m, f_int n, const T* a, f_int lda, T* b, f_int ldb) {               \
    /* B <- A * B, A upper triangular, non-unit */                                           \
    const char side = 'L', uplo = 'U', tr = 'N', dg = 'N';                                   \
    const T one(1);                                                                          \
    LORANK_F77(p##trmm)(&side, &uplo, &tr, &dg, &m, &n, &one, a, &lda, b, &ldb, 1, 1, 1, 1); \
  }                                                                                          \
  f_int f_potrf(f_int n, T* a, f_int lda) {                                                  \
    const char uplo = 'U';                                                                   \
    f_int info = 0;                                                                          \
    LORANK_F77(p##potrf)(&uplo, &n, a, &lda, &info, 1);                                      \
    return info;                                                                             \
  }                                                                                          \
  void f_herk_lower(char tr, f_int n, f_int k, const T* a, f_int lda, T* c, f_int ldc) {     \
    /* lower triangle of C = op(A) op(A)^H, op = 'N' (A n x k) or 'C' (A k x n) */           \
    const char uplo = 'L';                                                                   \
    const R one(1), zero(0);                                                                 \
    const char t = (std::is_same_v<T, R> && tr == 'C') ? 'T' : tr;                          \
    LORANK_F77(herk)(&uplo, &t, &n, &k, &one, a, &lda, &zero, c, &ldc, 1, 1);                \
  }                                                                                          \
  void f_gram(f_int m, f_int n, const T* a, f_int lda, T* c, f_int ldc) {                    \
    /* upper triangle of C = A^H A */                                                        \
    const char uplo = 'U', tr = 'C';                                                         \
    const R one(1), zero(0);                                                                 \
    const char trr = std::is_same_v<T, R> ? 'T' : tr;                                        \
    LORANK_F77(herk)(&uplo, &trr, &n, &m, &one, a, &lda, &zero, c, &ldc, 1, 1);              \
  }
#define LORANK_TRCON_REAL(p, T)                                                  \
  double f_trcon(f_int n, const T* a, f_int lda) {                               \
    const char norm = '1', uplo = 'U', diag = 'N';                               \
    T rcond = 0;                                                                 \
    std::vector<T> work(3 * static_cast<size_t>(n));                             \
    std::vector<f_int> iwork(n);                                                 \
    f_int info = 0;                                                              \
    LORANK_F77(p##trcon)(&norm, &uplo, &diag, &n, a, &lda, &rcond, work.data(),  \
                         iwork.data(), &info, 1, 1, 1);                          \
    return info == 0 ? double(rcond) : 0.0;                                      \
  }
#define LORANK_TRCON_CPLX(p, T, R)                                               \
  double f_trcon(f_int n, const T* a, f_int lda) {                               \
    const char norm = '1', uplo = 'U', diag = 'N';                               \
    R rcond = 0;                                                                 \
    std::vector<T> work(2 * static_cast<size_t>(n));                             \
    std::vector<R> rwork(n);                                                     \
    f_int info = 0;                                                              \
    LORANK_F77(p##trcon)(&norm, &uplo, &diag, &n, a, &lda, &rcond, work.data(),  \
                         rwork.data(), &info, 1, 1, 1);                          \
    return info == 0 ? double(rcond) : 0.0;                                      \
  }
LORANK_TRCON_REAL(s, float)
LORANK_TRCON_REAL(d, double)
LORANK_TRCON_CPLX(c, cfloat, float)
LORANK_TRCON_CPLX(z, cdouble, double)

LORANK_L3_CALL(s, float, float, ssyrk)
LORANK_L3_CALL(d, double, double, dsyrk)
LORANK_L3_CALL(c, cfloat, float, cherk)
LORANK_L3_CALL(z, cdouble, double, zherk)

#define LORANK_QP3_REAL(p, T)                                                                \
  void f_geqp3(f_int m, f_int n, T* a, f_int lda, f_int* jp, T* tau, T* w, f_int lw, T*,     \
               f_int* info) {                                                                 \
    LORANK_F77(p##geqp3)(&m, &n, a, &lda, jp, tau, w, &lw, info);                             \
  }
#define LORANK_QP3_CPLX(p, T, R)                                                             \
  void f_geqp3(f_int m, f_int n, T* a, f_int lda, f_int* jp, T* tau, T* w, f_int lw, R* rw,  \
               f_int* info) {                                                                 \
    LORANK_F77(p##geqp3)(&m, &n, a, &lda, jp, tau, w, &lw, rw, info);                         \
  }
LORANK_QP3_REAL(s, float)
LORANK_QP3_REAL(d, double)
LORANK_QP3_CPLX(c, cfloat, float)
LORANK_QP3_CPLX(z, cdouble, double)

#define LORANK_L1_CALL(p, sp, T, R)                                     \
  f_int f_iamax(f_int n, const T* x) {                                  \
    const f_int one = 1;                                                \
    return LORANK_F77(i##p##amax)(&n, x, &one);                         \
  }                                                                     \
  void f_scal(f_int n, R alpha, T* x) {                                 \
    const f_int one = 1;                                                \
    LORANK_F77(sp##scal)(&n, &alpha, x, &one);                          \
  }
LORANK_L1_CALL(s, s, float, float)
LORANK_L1_CALL(d, d, double, double)
LORANK_L1_CALL(c, cs, cfloat, float)
LORANK_L1_CALL(z, zd, cdouble, double)

// One CholeskyQR pass: a <- a * inv(R) with R^H R = a^H a (left as is without `apply`);
// false if the Gram matrix is not numerically positive definite. With `check`, also false
// unless ||a^H a - I||_F <= 1/2.
template <class T>
bool cholqr_pass(f_int m, f_int n, T* a, f_int lda, T* g, bool check, bool apply = true) {
  f_gram(m, n, a, lda, g, n);
  if (check) {
    double dev2 = 0.0;
    for (f_int j = 0; j < n; ++j)
      for (f_int i = 0; i <= j; ++i) {
        const T e = g[i + static_cast<index_t>(j) * n] - (i == j ? T(1) : T(0));
        dev2 += (i == j ? 1.0 : 2.0) * double(std::norm(e));
      }
    if (!(dev2 <= 0.25)) return false;
  }
  if (f_potrf(n, g, n) != 0) return false;
  for (f_int j = 0; j < n; ++j)
    for (f_int i = j + 1; i < n; ++i) g[i + static_cast<index_t>(j) * n] = T(0);
  if (apply) f_trsm_run(m, n, g, n, a, lda);
  return true;
}

}  // namespace

template <class T>
double cholesky_r(index_t m_, index_t n_, const T* a, index_t lda_, T* r) {
  const f_int m = to_int(m_, "m"), n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  if (m < n || n == 0) return 0.0;
  f_gram(m, n, a, lda, r, n);
  if (f_potrf(n, r, n) != 0) return 0.0;
  for (f_int j = 0; j < n; ++j)
    for (f_int i = j + 1; i < n; ++i) r[i + static_cast<index_t>(j) * n] = T(0);
  for (index_t i = 0; i < index_t(n) * n; ++i)
    if (!std::isfinite(std::abs(r[i]))) return 0.0;
  return f_trcon(n, r, n);
}

template <class T>
bool cholesky_qr2(index_t m_, index_t n_, T* a, index_t lda_, T* r, T* r2) {
  const f_int m = to_int(m_, "m"), n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  if (m < n || n == 0) return false;
  std::vector<T> keep(static_cast<size_t>(m) * n), g2(static_cast<size_t>(n) * n);
  for (f_int j = 0; j < n; ++j)
    std::copy(a + static_cast<index_t>(j) * lda, a + static_cast<index_t>(j) * lda + m,
              keep.begin() + static_cast<index_t>(j) * m);
  bool ok = cholqr_pass(m, n, a, lda, r, false) &&
            cholqr_pass(m, n, a, lda, g2.data(), true, r2 == nullptr);
  for (const T* p = a; ok && p != a + static_cast<index_t>(n - 1) * lda + m; ++p)
    if (!std::isfinite(std::abs(*p))) ok = false;
  if (ok) {
    f_trmm_left(n, n, g2.data(), n, r, n);  // R = R2 * R1
    if (r2 != nullptr) std::copy(g2.begin(), g2.end(), r2);
    return true;
  }
  for (f_int j = 0; j < n; ++j)
    std::copy(keep.begin() + static_cast<index_t>(j) * m,
              keep.begin() + static_cast<index_t>(j + 1) * m, a + static_cast<index_t>(j) * lda);
  return false;
}

namespace {
// geqrf in place; copies R (p x n, ld p) out and returns the reflector scalars tau.
template <class T>
std::vector<T> geqrf_with_r(f_int m, f_int n, T* a, f_int lda, T* r) {
  const f_int p = std::min(m, n);
  std::vector<T> tau(std::max<f_int>(p, 1));
  f_int info = 0, lw = -1;
  T wq{};
  f_geqrf(m, n, a, lda, tau.data(), &wq, lw, &info);
  lw = std::max(work_size(wq), n);
  std::vector<T> work(lw);
  f_geqrf(m, n, a, lda, tau.data(), work.data(), lw, &info);
  check_info(info, "geqrf");
  for (f_int j = 0; j < n; ++j)
    for (f_int i = 0; i < p; ++i)
      r[i + static_cast<index_t>(j) * p] = i <= j ? a[i + static_cast<index_t>(j) * lda] : T(0);
  return tau;
}

// Explicit Q (m x k) from the first k reflectors, in place.
template <class T>
void form_q(f_int m, f_int k, T* a, f_int lda, const T* tau) {
  f_int info = 0, lw = -1;
  T wq{};
  f_orgqr(m, k, k, a, lda, tau, &wq, lw, &info);
  lw = std::max(work_size(wq), k);
  std::vector<T> work(lw);
  f_orgqr(m, k, k, a, lda, tau, work.data(), lw, &info);
  check_info(info, "orgqr");
}
}  // namespace

template <class T>
index_t qr_pivoted(index_t m_, index_t n_, T* a, index_t lda_, double drop_tol,
                   std::vector<index_t>& perm, std::vector<T>& r, double& dropped) {
  const f_int m = to_int(m_, "m"), n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  const f_int p = std::min(m, n);
  std::vector<f_int> jp(n, 0);
  std::vector<T> tau(std::max<f_int>(p, 1));
  std::vector<real_t<T>> rwork(2 * static_cast<size_t>(n));
  f_int info = 0, lw = -1;
  T wq{};
  f_geqp3(m, n, a, lda, jp.data(), tau.data(), &wq, lw, rwork.data(), &info);
  lw = std::max(work_size(wq), 3 * n + 1);
  std::vector<T> work(lw);
  f_geqp3(m, n, a, lda, jp.data(), tau.data(), work.data(), lw, rwork.data(), &info);
  check_info(info, "geqp3");
  // Squared norms of the trailing rows of R (rows i..p-1, columns >= their diagonal), in
  // units of the power of two nearest |R_11| (the largest entry of R): entries near the
  // overflow threshold would square to inf and drop every row.
  const double r11 = std::abs(a[0]);
  int e = 0;
  if (r11 > 0.0 && std::isfinite(r11)) std::frexp(r11, &e);
  const double unit = std::ldexp(1.0, e), tol_units = drop_tol / unit;
  const real_t<T> inv_unit = real_t<T>(std::ldexp(1.0, -e));  // exact: a power of two
  std::vector<double> tail(p + 1, 0.0);
  for (f_int i = p - 1; i >= 0; --i) {
    double row2 = 0.0;
    for (f_int j = i; j < n; ++j)
      row2 += double(std::norm(a[i + static_cast<index_t>(j) * lda] * inv_unit));
    tail[i] = tail[i + 1] + row2;
  }
  f_int rho = p;
  while (rho > 1 && tail[rho - 1] <= tol_units * tol_units) --rho;
  dropped = std::sqrt(tail[rho]) * unit;
  r.assign(static_cast<size_t>(rho) * n, T(0));
  for (f_int j = 0; j < n; ++j)
    for (f_int i = 0; i < rho && i <= j; ++i)
      r[i + static_cast<index_t>(j) * rho] = a[i + static_cast<index_t>(j) * lda];
  perm.resize(n);
  for (f_int j = 0; j < n; ++j) perm[j] = jp[j] - 1;
  form_q(m, rho, a, lda, tau.data());
  return rho;
}

template <class T>
real_t<T> max_abs(index_t n, const T* x) {
  if (n <= 0) return real_t<T>(0);
  const T v = x[f_iamax(to_int(n, "n"), x) - 1];
  return std::abs(std::real(v)) + std::abs(std::imag(v));
}

template <class T>
void scale(index_t n, real_t<T> alpha, T* x) {
  if (n > 0) f_scal(to_int(n, "n"), alpha, x);
}

template <class T>
void gemm(Op opa, Op opb, index_t m, index_t n, index_t k, T alpha, const T* a, index_t lda,
          const T* b, index_t ldb, T beta, T* c, index_t ldc) {
  if (m == 0 || n == 0) return;
  if constexpr (!is_complex_v<T>) {
    // A matrix times one vector: GEMV (OpenBLAS's GEMM with one column is several times
    // slower). Row-major op(A) is column-major A^T (opa N) or A (opa T), lda either way.
    if (n == 1 && opb == Op::N && k > 0) {
      f_gemv(opa == Op::N ? 'T' : 'N', to_int(opa == Op::N ? k : m, "k"),
             to_int(opa == Op::N ? m : k, "m"), alpha, a, to_int(std::max<index_t>(lda, 1), "lda"),
             b, to_int(std::max<index_t>(ldb, 1), "ldb"), beta, c,
             to_int(std::max<index_t>(ldc, 1), "ldc"));
      return;
    }
  }
  // Row-major C = op(A) op(B)  <=>  column-major C^T = op(B)^T op(A)^T.
  f_gemm(static_cast<char>(opb), static_cast<char>(opa), to_int(n, "n"), to_int(m, "m"),
         to_int(k, "k"), alpha, b, to_int(std::max<index_t>(ldb, 1), "ldb"), a,
         to_int(std::max<index_t>(lda, 1), "lda"), beta, c,
         to_int(std::max<index_t>(ldc, 1), "ldc"));
}


template <class T>
void qr_r(index_t m, index_t n, T* a, index_t lda, T* r) {
  geqrf_with_r(to_int(m, "m"), to_int(n, "n"), a, to_int(lda, "lda"), r);
}

template <class T>
void qr(index_t m_, index_t n_, T* a, index_t lda_, T* r) {
  const f_int m = to_int(m_, "m"), n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  const std::vector<T> tau = geqrf_with_r(m, n, a, lda, r);
  form_q(m, std::min(m, n), a, lda, tau.data());
}

template <class T>
void svd(index_t m_, index_t n_, T* a, index_t lda_, T* u, real_t<T>* s, T* vt) {
  const f_int m = to_int(m_, "m"), n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  const f_int p = std::min(m, n);
  if (p == 0) return;
  std::vector<f_int> iwork(8 * static_cast<size_t>(p));
  std::vector<real_t<T>> rwork;
  if constexpr (is_complex_v<T>) {
    const size_t mx = std::max(m, n);
    rwork.resize(std::max<size_t>(5 * p * p + 5 * p, 2 * mx * p + 2 * p * p + p));
  }
  f_int info = 0, lw = -1;
  T wq{};
  f_gesdd(m, n, a, lda, s, u, m, vt, p, &wq, lw, rwork.data(), iwork.data(), &info);
  lw = work_size(wq);
  std::vector<T> work(lw);
  f_gesdd(m, n, a, lda, s, u, m, vt, p, work.data(), lw, rwork.data(), iwork.data(), &info);
  check_info(info, "gesdd");
}

template <class T>
void herk_lower(bool conj_trans, index_t n, index_t k, const T* a, index_t lda, T* c,
                index_t ldc) {
  if (n == 0) return;
  f_herk_lower(conj_trans ? 'C' : 'N', to_int(n, "n"), to_int(k, "k"), a,
               to_int(std::max<index_t>(lda, 1), "lda"), c, to_int(ldc, "ldc"));
}

template <class T>
void solve_upper(index_t n_, index_t nrhs_, const T* r, index_t ldr_, T* b, index_t ldb_) {
  const f_int n = to_int(n_, "n"), nrhs = to_int(nrhs_, "nrhs"), ldr = to_int(ldr_, "ldr"),
              ldb = to_int(ldb_, "ldb");
  if (n == 0 || nrhs == 0) return;
  f_trsm_left(n, nrhs, r, ldr, b, ldb);
}

template <class T>
void eigh(index_t n_, T* a, index_t lda_, real_t<T>* w) {
  const f_int n = to_int(n_, "n"), lda = to_int(lda_, "lda");
  if (n == 0) return;
  f_int info = 0, lw = -1, lrw = -1, liw = -1, iwq = 0;
  T wq{};
  real_t<T> rwq{};
  f_eigh(n, a, lda, w, &wq, lw, &rwq, lrw, &iwq, liw, &info);
  lw = work_size(wq);
  lrw = static_cast<f_int>(rwq) + 1;
  liw = iwq + 1;
  std::vector<T> work(lw);
  std::vector<real_t<T>> rwork(lrw);
  std::vector<f_int> iwork(liw);
  f_eigh(n, a, lda, w, work.data(), lw, rwork.data(), lrw, iwork.data(), liw, &info);
  check_info(info, "syevd/heevd");
}

#define LORANK_INSTANTIATE(T)                                                                 \
  template void gemm<T>(Op, Op, index_t, index_t, index_t, T, const T*, index_t, const T*,    \
                        index_t, T, T*, index_t);                                              \
  template void qr<T>(index_t, index_t, T*, index_t, T*);                                      \
  template real_t<T> max_abs<T>(index_t, const T*);                                            \
  template void scale<T>(index_t, real_t<T>, T*);                                              \
  template void qr_r<T>(index_t, index_t, T*, index_t, T*);                                    \
  template bool cholesky_qr2<T>(index_t, index_t, T*, index_t, T*, T*);                         \
  template double cholesky_r<T>(index_t, index_t, const T*, index_t, T*);                       \
  template void solve_upper<T>(index_t, index_t, const T*, index_t, T*, index_t);              \
  template void herk_lower<T>(bool, index_t, index_t, const T*, index_t, T*, index_t);                                 \
  template index_t qr_pivoted<T>(index_t, index_t, T*, index_t, double, std::vector<index_t>&, \
                                 std::vector<T>&, double&);                                     \
  template void svd<T>(index_t, index_t, T*, index_t, T*, real_t<T>*, T*);                     \
  template void eigh<T>(index_t, T*, index_t, real_t<T>*);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::lapack
