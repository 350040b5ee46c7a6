// SPDX-License-Identifier: MIT
// Eigenvalues of many small Hermitian matrices (the Gram matrices of a convolution's symbol,
// one per frequency): Householder tridiagonalization and sterf, matrix after matrix.
#include <algorithm>
#include <cmath>
#include <complex>
#include <vector>

#include "cpu_dispatch.hpp"
#include "lapack_decl.hpp"
#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::lapack {
namespace {

constexpr index_t kMaxOwnReduction = 80;  // measured: 1.1-1.3x hetrd at 32-64, even near 100

// Householder reduction of a Hermitian matrix held in full (both triangles) as split real
// and imaginary parts, row-major, to a real symmetric tridiagonal (d, e) with LAPACK's
// hetd2 (uplo 'L') reflectors: step i maps x = A(i+1:, i) to beta e_1 (beta real) with
// H = I - tau v v^H, v_0 = 1, and updates A22 <- H^H A22 H = A22 - v w^H - w v^H with
// p = tau A22 v, w = p - (tau/2)(p^H v) v. x is read from row i (conj of column i) and
// A22 v is summed from A22's conjugated rows, so every O(m^2) loop is an axpy along rows:
// unit stride, no reductions, vectorized. Entries must lie well inside the exponent
// range (their squares neither overflow nor underflow). scratch holds 4 n reals.
LORANK_TARGET_AVX2 void tridiagonalize_split(index_t n, double* ar, double* ai, double* d,
                                             double* e, double* scratch) {
  double* vr = scratch;
  double* vi = scratch + n;
  double* wr = scratch + 2 * n;
  double* wi = scratch + 3 * n;
  for (index_t i = 0; i + 1 < n; ++i) {
    const index_t m = n - 1 - i, off = i * n + i + 1;
    const double alpha_r = ar[off], alpha_i = -ai[off];
    double tail2 = 0;
    for (index_t k = 1; k < m; ++k) tail2 += ar[off + k] * ar[off + k] + ai[off + k] * ai[off + k];
    d[i] = ar[i * n + i];
    if (tail2 == 0.0 && alpha_i == 0.0) {  // already reduced: H = I
      e[i] = alpha_r;
      continue;
    }
    const double beta = -std::copysign(std::sqrt(alpha_r * alpha_r + alpha_i * alpha_i + tail2),
                                       alpha_r);
    const double tau_r = (beta - alpha_r) / beta, tau_i = -alpha_i / beta;
    // s = 1 / (alpha - beta), then v = (1, s x_tail) with x = conj(row i's tail)
    const double den_r = alpha_r - beta, den_i = alpha_i;
    const double den2 = den_r * den_r + den_i * den_i;
    const double s_r = den_r / den2, s_i = -den_i / den2;
    vr[0] = 1.0;
    vi[0] = 0.0;
    for (index_t k = 1; k < m; ++k) {
      const double xr = ar[off + k], xi = -ai[off + k];
      vr[k] = xr * s_r - xi * s_i;
      vi[k] = xr * s_i + xi * s_r;
    }
    e[i] = beta;
    // q = A22 v as a sum of A22's columns, i.e. of its conjugated rows (A22 is Hermitian):
    // axpys along rows, no reductions; then w = tau q. Rows of A22 start at (i + 1)(n + 1).
    double* br = ar + (i + 1) * n + i + 1;
    double* bi = ai + (i + 1) * n + i + 1;
    std::fill(wr, wr + m, 0.0);
    std::fill(wi, wi + m, 0.0);
    for (index_t c = 0; c < m; ++c) {
      const double* rr = br + c * n;
      const double* ri = bi + c * n;
      const double xr = vr[c], xi = vi[c];
      for (index_t k = 0; k < m; ++k) {
        wr[k] += rr[k] * xr + ri[k] * xi;
        wi[k] += rr[k] * xi - ri[k] * xr;
      }
    }
    for (index_t k = 0; k < m; ++k) {
      const double qr = wr[k], qi = wi[k];
      wr[k] = tau_r * qr - tau_i * qi;
      wi[k] = tau_r * qi + tau_i * qr;
    }
    // w <- w + shift v with shift = -(tau / 2) (w^H v)
    double pv_r = 0, pv_i = 0;
    for (index_t k = 0; k < m; ++k) {
      pv_r += wr[k] * vr[k] + wi[k] * vi[k];
      pv_i += wr[k] * vi[k] - wi[k] * vr[k];
    }
    const double sh_r = -0.5 * (tau_r * pv_r - tau_i * pv_i);
    const double sh_i = -0.5 * (tau_r * pv_i + tau_i * pv_r);
    for (index_t k = 0; k < m; ++k) {
      const double xr = vr[k], xi = vi[k];
      wr[k] += sh_r * xr - sh_i * xi;
      wi[k] += sh_r * xi + sh_i * xr;
    }
    // A22 <- A22 - v w^H - w v^H
    for (index_t r = 0; r < m; ++r) {
      double* rr = br + r * n;
      double* ri = bi + r * n;
      const double a_r = vr[r], a_i = vi[r], b_r = wr[r], b_i = wi[r];
      for (index_t c = 0; c < m; ++c) {
        rr[c] -= a_r * wr[c] + a_i * wi[c] + b_r * vr[c] + b_i * vi[c];
        ri[c] -= a_i * wr[c] - a_r * wi[c] + b_i * vr[c] - b_r * vi[c];
      }
    }
  }
  d[n - 1] = ar[(n - 1) * n + n - 1];
}

// Split the row-major Hermitian matrix (lower triangle read) into full real and imaginary
// parts; false where the entries' range is outside the reduction's (or not finite).
bool split_hermitian(index_t n, const cdouble* a, double* ar, double* ai) {
  const double hi = std::ldexp(1.0, 480), lo = std::ldexp(1.0, -480);
  double mx = 0;
  for (index_t r = 0; r < n; ++r)
    for (index_t c = 0; c <= r; ++c) {
      const cdouble z = a[r * n + c];
      const double mag = std::max(std::abs(z.real()), std::abs(z.imag()));
      if (!(mag <= hi)) return false;
      mx = std::max(mx, mag);
      ar[r * n + c] = ar[c * n + r] = z.real();
      ai[r * n + c] = z.imag();
      ai[c * n + r] = -z.imag();
    }
  return mx >= lo;
}

// LAPACK's route for one matrix: the row-major buffer read column-major is conj(A), whose
// upper triangle is A's lower one and whose eigenvalues are A's.
void tridiagonal_by_hetrd(f_int n, cdouble* a, double* d, double* e, std::vector<cdouble>& work) {
  const char uplo = 'U';
  f_int info = 0, lwork = -1;
  cdouble query;
  std::vector<cdouble> tau(std::max<f_int>(n - 1, 1));
  LORANK_F77(zhetrd)(&uplo, &n, a, &n, d, e, tau.data(), &query, &lwork, &info, 1);
  lwork = std::max<f_int>(1, static_cast<f_int>(query.real()));
  if (work.size() < static_cast<std::size_t>(lwork)) work.resize(lwork);
  LORANK_F77(zhetrd)(&uplo, &n, a, &n, d, e, tau.data(), work.data(), &lwork, &info, 1);
  if (info != 0) throw LapackError("zhetrd failed", info);
}

}  // namespace

void batched_eigvalsh(index_t count, index_t n, const cdouble* const* mats, double* w) {
  if (n == 0) return;
  const bool own = detail::cpu_has_avx2_fma() && n <= kMaxOwnReduction;
  std::vector<double> ar(own ? n * n : 0), ai(own ? n * n : 0), scratch(own ? 4 * n : 0);
  std::vector<double> d(n), e(n);
  std::vector<cdouble> copy, work;
  for (index_t b = 0; b < count; ++b) {
    const cdouble* mat = mats[b];
    if (own && split_hermitian(n, mat, ar.data(), ai.data())) {
      tridiagonalize_split(n, ar.data(), ai.data(), d.data(), e.data(), scratch.data());
    } else {
      copy.assign(mat, mat + n * n);  // hetrd works in place
      tridiagonal_by_hetrd(static_cast<f_int>(n), copy.data(), d.data(), e.data(), work);
    }
    const f_int fn = static_cast<f_int>(n);
    f_int info = 0;
    LORANK_F77(dsterf)(&fn, d.data(), e.data(), &info);  // ascending
    if (info != 0) throw LapackError("dsterf did not converge", info);
    std::reverse_copy(d.begin(), d.end(), w + b * n);
  }
}

}  // namespace lorank::lapack
