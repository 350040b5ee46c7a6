// SPDX-License-Identifier: MIT
#include "lorank/dlr/kron_ksl.hpp"

#include <cmath>

#include "lorank/core/lapack.hpp"

namespace lorank::dlr {
namespace {

// Sums in double: a float32 factor of a 512-wide layer has 2.6e5 entries, and a float
// accumulator would lose four digits.
template <class T>
double frobenius(index_t count, const T* x) {
  double scale = 0, ssq = 1;
  for (index_t i = 0; i < count; ++i) {
    const double a = std::abs(static_cast<double>(x[i]));
    if (a == 0) continue;
    if (scale < a) {
      ssq = 1 + ssq * (scale / a) * (scale / a);
      scale = a;
    } else {
      ssq += (a / scale) * (a / scale);
    }
  }
  return scale * std::sqrt(ssq);
}

}  // namespace

template <class T>
void kron_ksl_update(index_t m, index_t n, const T* g, T* left, T* right, T beta, T* work) {
  using lapack::Op;
  const T w = T(1) - beta;
  T* gx = work;              // m x n: G R, later Lh G
  T* grg = work + m * n;     // m x m: G R G^T
  T* gtlg = grg + m * m;     // n x n: G^T Lh G
  lapack::gemm(Op::N, Op::N, m, n, n, T(1), g, n, right, n, T(0), gx, n);
  lapack::gemm(Op::N, Op::T, m, m, n, T(1), gx, n, g, n, T(0), grg, m);
  // K-step in place of grg: K = beta L + w G R G^T, and <K, G R G^T> for the S-step.
  double dot = 0;
  for (index_t i = 0; i < m * m; ++i) {
    const T k = beta * left[i] + w * grg[i];
    dot += static_cast<double>(k) * grg[i];
    grg[i] = k;
  }
  const double knorm = frobenius(m * m, grg);
  if (!(knorm > 0) || !std::isfinite(knorm)) return;
  for (index_t i = 0; i < m * m; ++i) grg[i] = static_cast<T>(grg[i] / knorm);  // Lh
  const T s = static_cast<T>(knorm - w * dot / knorm);                          // backward S-step
  lapack::gemm(Op::N, Op::N, m, n, m, T(1), grg, m, g, n, T(0), gx, n);
  lapack::gemm(Op::T, Op::N, n, n, m, T(1), g, n, gx, n, T(0), gtlg, n);
  for (index_t i = 0; i < n * n; ++i) gtlg[i] = s * right[i] + w * gtlg[i];  // L-step
  const double rnorm = frobenius(n * n, gtlg);
  if (!(rnorm > 0) || !std::isfinite(rnorm)) return;
  for (index_t i = 0; i < m * m; ++i) left[i] = static_cast<T>(grg[i] * rnorm);
  for (index_t i = 0; i < n * n; ++i) right[i] = static_cast<T>(gtlg[i] / rnorm);
}

template <class T>
void kron_bug_update(index_t m, index_t n, const T* g, T* left, T* right, T beta, T* work) {
  using lapack::Op;
  const T w = T(1) - beta;
  T* gx = work;               // m x n: G Rh, later U G
  T* gy = work + m * n;       // m x n: Lh G, later G V
  T* kk = gy + m * n;         // m x m: K, then U
  T* ll = kk + m * m;         // n x n: the L-step's matrix, then V
  const double lnorm = frobenius(m * m, left), rnorm = frobenius(n * n, right);
  if (!(lnorm > 0) || !(rnorm > 0) || !std::isfinite(lnorm * rnorm)) return;
  const T p = static_cast<T>(beta * lnorm * rnorm);  // the decayed scale of L (x) R
  const T lscale = static_cast<T>(1 / lnorm), rscale = static_cast<T>(1 / rnorm);
  // K-step and L-step from the same (old) factors: K = p Lh + w G Rh G^T, M = p Rh + w G^T Lh G
  lapack::gemm(Op::N, Op::N, m, n, n, rscale, g, n, right, n, T(0), gx, n);
  lapack::gemm(Op::N, Op::T, m, m, n, w, gx, n, g, n, T(0), kk, m);
  lapack::gemm(Op::N, Op::N, m, n, m, lscale, left, m, g, n, T(0), gy, n);
  lapack::gemm(Op::T, Op::N, n, n, m, w, g, n, gy, n, T(0), ll, n);
  for (index_t i = 0; i < m * m; ++i) kk[i] += p * lscale * left[i];
  for (index_t i = 0; i < n * n; ++i) ll[i] += p * rscale * right[i];
  const double knorm = frobenius(m * m, kk), mnorm = frobenius(n * n, ll);
  if (!(knorm > 0) || !(mnorm > 0) || !std::isfinite(knorm * mnorm)) return;
  for (index_t i = 0; i < m * m; ++i) kk[i] = static_cast<T>(kk[i] / knorm);  // U
  for (index_t i = 0; i < n * n; ++i) ll[i] = static_cast<T>(ll[i] / mnorm);  // V
  // Galerkin S-step: S = <U (x) V, beta F_old + w vec(G) vec(G)^T>
  //                    = p <Lh, U> <Rh, V> + w <U G, G V>   (U, V symmetric)
  double lu = 0, rv = 0, guv = 0;
  for (index_t i = 0; i < m * m; ++i) lu += static_cast<double>(left[i]) * kk[i];
  for (index_t i = 0; i < n * n; ++i) rv += static_cast<double>(right[i]) * ll[i];
  lapack::gemm(Op::N, Op::N, m, n, m, T(1), kk, m, g, n, T(0), gx, n);
  lapack::gemm(Op::N, Op::N, m, n, n, T(1), g, n, ll, n, T(0), gy, n);
  for (index_t i = 0; i < m * n; ++i) guv += static_cast<double>(gx[i]) * gy[i];
  const double s = static_cast<double>(p) * (lu / lnorm) * (rv / rnorm) + static_cast<double>(w) * guv;
  if (!(s > 0) || !std::isfinite(s)) return;
  for (index_t i = 0; i < m * m; ++i) left[i] = static_cast<T>(s * kk[i]);
  for (index_t i = 0; i < n * n; ++i) right[i] = ll[i];
}

template void kron_ksl_update<float>(index_t, index_t, const float*, float*, float*, float, float*);
template void kron_ksl_update<double>(index_t, index_t, const double*, double*, double*, double,
                                      double*);

template void kron_bug_update<float>(index_t, index_t, const float*, float*, float*, float, float*);
template void kron_bug_update<double>(index_t, index_t, const double*, double*, double*, double,
                                      double*);

}  // namespace lorank::dlr
