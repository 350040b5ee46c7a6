// SPDX-License-Identifier: MIT
// Largest eigenpairs of a symmetric matrix by tridiagonal inverse iteration: for the order
// 40-100 Gram matrices of TT rounding this is about twice as fast as the divide-and-conquer
// eigensolver, which spends most of its time on eigenvectors nobody asked for.
#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <type_traits>
#include <vector>

#include "cpu_dispatch.hpp"
#include "lapack_decl.hpp"
#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::lapack {
namespace {

constexpr index_t kMinOrder = 24;  // below, the full solver costs next to nothing
constexpr int kLanes = 8;          // shifts solved together, to overlap their divisions
constexpr int kSolves = 2;         // from a random start; one solve nearly converges
constexpr index_t kKeptOrder = 256;  // scratch kept per thread up to this order (~1.3 MB)
constexpr index_t kMaxFullReduction = 100;  // tridiagonalize_lower's range (see there)

#define LORANK_TRIDIAG_CALLS(p, T)                                                           \
  f_int f_sytrd(f_int n, T* a, f_int lda, T* d, T* e, T* tau, T* work, f_int lw) {         \
    const char uplo = 'L';                                                                 \
    f_int info = 0;                                                                        \
    LORANK_F77(p##sytrd)(&uplo, &n, a, &lda, d, e, tau, work, &lw, &info, 1);              \
    return info;                                                                           \
  }                                                                                        \
  f_int f_sterf(f_int n, T* d, T* e) {                                                     \
    f_int info = 0;                                                                        \
    LORANK_F77(p##sterf)(&n, d, e, &info);                                                 \
    return info;                                                                           \
  }                                                                                        \
  f_int f_ormtr(f_int n, f_int k, const T* a, f_int lda, const T* tau, T* z, T* work,      \
                f_int lw) {                                                                \
    const char side = 'L', uplo = 'L', tr = 'N';                                           \
    f_int info = 0;                                                                        \
    LORANK_F77(p##ormtr)(&side, &uplo, &tr, &n, &k, a, &lda, tau, z, &n, work, &lw, &info, \
                         1, 1, 1);                                                         \
    return info;                                                                           \
  }
LORANK_TRIDIAG_CALLS(s, float)
LORANK_TRIDIAG_CALLS(d, double)

// Householder reduction of a symmetric matrix stored in full (both triangles) to
// tridiagonal form, with the output of LAPACK's sytd2 for uplo = 'L': diagonal d,
// off-diagonal e, scalars tau and the reflectors below the subdiagonal, so ormtr applies
// its Q. Step i reflects x = A(i+1:, i) onto beta e_1 with H = I - tau v v^T and updates
// A22 <- H A22 H = A22 - v w^T - w v^T, w = p - (tau/2)(p^T v) v, p = tau A22 v (Golub and
// Van Loan, Matrix Computations, Sec. 8.3.1). Keeping both triangles costs 3 m^2 flops a
// step instead of 2 m^2, but every loop is unit-stride and vectorizes: with AVX2 this is
// 1.2-2x faster than the blocked LAPACK reduction at orders 30-90 (the matrix stays in
// cache), even at 100, slower beyond. Entries must lie well inside the exponent range (the
// squares neither overflow nor underflow); p is scratch of length n.
template <class R>
LORANK_TARGET_AVX2 void tridiagonalize_full(index_t n, R* a, index_t lda, R* d, R* e, R* tau,
                                            R* p) {
  for (index_t i = 0; i + 1 < n; ++i) {
    const index_t m = n - 1 - i;
    R* v = a + (i + 1) + i * lda;  // x, then the reflector with v[0] = 1
    R alpha = v[0], tail2 = 0;
    for (index_t r = 1; r < m; ++r) tail2 += v[r] * v[r];
    R t = 0;
    if (tail2 != R(0)) {
      const R beta = -std::copysign(std::sqrt(alpha * alpha + tail2), alpha);
      t = (beta - alpha) / beta;
      const R inv = R(1) / (alpha - beta);
      for (index_t r = 1; r < m; ++r) v[r] *= inv;
      alpha = beta;
    }
    e[i] = alpha;
    tau[i] = t;
    if (t != R(0)) {
      v[0] = 1;
      R* a22 = a + (i + 1) + (i + 1) * lda;
      std::fill(p, p + m, R(0));
      for (index_t c = 0; c < m; ++c) {
        const R vc = t * v[c];
        const R* col = a22 + c * lda;
        for (index_t r = 0; r < m; ++r) p[r] += col[r] * vc;
      }
      R pv = 0;
      for (index_t r = 0; r < m; ++r) pv += p[r] * v[r];
      const R shift = R(-0.5) * t * pv;
      for (index_t r = 0; r < m; ++r) p[r] += shift * v[r];
      for (index_t c = 0; c < m; ++c) {
        R* col = a22 + c * lda;
        const R vc = v[c], wc = p[c];
        for (index_t r = 0; r < m; ++r) col[r] -= v[r] * wc + p[r] * vc;
      }
      v[0] = alpha;
    }
    d[i] = a[i + i * lda];
  }
  d[n - 1] = a[(n - 1) + (n - 1) * lda];
}

// The reduction above for a matrix given by its lower triangle (the upper one is filled
// in); false, with nothing changed, where LAPACK's sytrd is the better choice: without
// AVX2 (compiled for the baseline, the loops above are no faster than it) or when the
// entries' range needs its scaling.
template <class R>
bool tridiagonalize_lower(index_t n, R* a, index_t lda, R* d, R* e, R* tau, R* p) {
  if (!detail::cpu_has_avx2_fma() || n > kMaxFullReduction) return false;
  // Squares of entries in [2^-lo, 2^hi] neither overflow nor lose the reflectors' accuracy.
  constexpr int kHi = std::is_same_v<R, double> ? 480 : 56, kLo = kHi;
  const R hi = std::ldexp(R(1), kHi);
  R mx = 0;
  for (index_t j = 0; j < n; ++j)
    for (index_t i = j; i < n; ++i) {
      const R v = std::abs(a[i + j * lda]);
      if (!(v <= hi)) return false;  // also NaN
      mx = std::max(mx, v);
    }
  if (mx < std::ldexp(R(1), -kLo)) return false;
  for (index_t j = 0; j < n; ++j)
    for (index_t i = j + 1; i < n; ++i) a[j + i * lda] = a[i + j * lda];
  tridiagonalize_full(n, a, lda, d, e, tau, p);
  return true;
}

// Up to kLanes shifts of one symmetric tridiagonal T (diagonal d, off-diagonal e): the LU
// factors of T - shift I with partial pivoting (as LAPACK's gttrf), solved branch-free so
// the lanes' dependency chains interleave.
template <class R>
struct ShiftedLU {
  index_t n;
  std::vector<std::array<R, kLanes>> inv_pivot, up1, up2, mult;
  std::vector<std::array<bool, kLanes>> swapped;

  ShiftedLU(const R* d, const R* e, index_t n_, const std::array<R, kLanes>& shift, R tiny)
      : n(n_), inv_pivot(n_), up1(n_), up2(n_), mult(n_), swapped(n_) {
    std::array<R, kLanes> diag, sup;  // the current row's pivot candidate and superdiagonal
    for (int l = 0; l < kLanes; ++l) {
      diag[l] = d[0] - shift[l];
      sup[l] = n > 1 ? e[0] : R(0);
    }
    for (index_t i = 0; i + 1 < n; ++i) {
      const R below = e[i], next_sup = i + 2 < n ? e[i + 1] : R(0);
      for (int l = 0; l < kLanes; ++l) {
        const R next_diag = d[i + 1] - shift[l];
        const bool sw = std::abs(diag[l]) < std::abs(below);
        R piv = sw ? below : diag[l];
        if (piv == R(0)) piv = tiny;
        const R m = (sw ? diag[l] : below) / piv;
        inv_pivot[i][l] = R(1) / piv;
        up1[i][l] = sw ? next_diag : sup[l];
        up2[i][l] = sw ? next_sup : R(0);
        mult[i][l] = m;
        swapped[i][l] = sw;
        diag[l] = sw ? sup[l] - m * next_diag : next_diag - m * sup[l];
        sup[l] = sw ? -m * next_sup : next_sup;
      }
    }
    for (int l = 0; l < kLanes; ++l) {
      const R piv = diag[l] == R(0) ? tiny : diag[l];
      inv_pivot[n - 1][l] = R(1) / piv;
      up1[n - 1][l] = up2[n - 1][l] = R(0);
      mult[n - 1][l] = R(0);
      swapped[n - 1][l] = false;
    }
  }

  // x (n rows of kLanes) <- inv(T - shift I) x, lane by lane.
  void solve(std::vector<std::array<R, kLanes>>& x) const {
    for (index_t i = 0; i + 1 < n; ++i)
      for (int l = 0; l < kLanes; ++l) {
        const bool sw = swapped[i][l];
        const R top = sw ? x[i + 1][l] : x[i][l], bottom = sw ? x[i][l] : x[i + 1][l];
        x[i][l] = top;
        x[i + 1][l] = bottom - mult[i][l] * top;
      }
    for (index_t i = n - 1; i >= 0; --i)
      for (int l = 0; l < kLanes; ++l) {
        R v = x[i][l];
        if (i + 1 < n) v -= up1[i][l] * x[i + 1][l];
        if (i + 2 < n) v -= up2[i][l] * x[i + 2][l];
        x[i][l] = v * inv_pivot[i][l];
      }
  }
};

// ||T||_inf of the symmetric tridiagonal with diagonal d and off-diagonal e.
template <class R>
R tridiagonal_norm(const R* d, const R* e, index_t n) {
  R norm = 0;
  for (index_t i = 0; i < n; ++i)
    norm = std::max(norm, std::abs(d[i]) + (i > 0 ? std::abs(e[i - 1]) : R(0)) +
                              (i + 1 < n ? std::abs(e[i]) : R(0)));
  return norm;
}

// Eigenvectors of T for the k eigenvalues lam[0..k) given in descending order, into z
// (n x k, column-major), by inverse iteration; vectors of eigenvalues closer than 1e-3 ||T||
// are orthogonalized against each other (as LAPACK's stein).
template <class R>
void inverse_iteration(const R* d, const R* e, index_t n, const R* lam, index_t k, R* z) {
  const R eps = std::numeric_limits<R>::epsilon();
  const R tnorm = tridiagonal_norm(d, e, n);
  const R cluster_gap = R(1e-3) * tnorm, min_sep = R(10) * eps * tnorm;
  const R tiny = eps * tnorm > R(0) ? eps * tnorm : std::numeric_limits<R>::min();
  std::uint64_t seed = 0x9e3779b97f4a7c15ull;
  std::vector<std::array<R, kLanes>> x(n);
  std::vector<index_t> cluster_start(k);
  std::vector<R> shift(k);
  for (index_t j = 0; j < k; ++j) {
    shift[j] = lam[j];
    cluster_start[j] = j;
    if (j > 0 && lam[j - 1] - lam[j] < cluster_gap) {
      cluster_start[j] = cluster_start[j - 1];
      // Equal shifts would give equal vectors: keep them a little apart.
      shift[j] = std::min(shift[j], shift[j - 1] - min_sep);
    }
  }
  for (index_t j0 = 0; j0 < k; j0 += kLanes) {
    const int lanes = int(std::min<index_t>(kLanes, k - j0));
    std::array<R, kLanes> s{};
    for (int l = 0; l < kLanes; ++l) s[l] = shift[std::min(j0 + l, k - 1)];
    const ShiftedLU<R> lu(d, e, n, s, tiny);
    for (index_t i = 0; i < n; ++i)
      for (int l = 0; l < kLanes; ++l) {
        seed = seed * 6364136223846793005ull + 1442695040888963407ull;
        x[i][l] = R(double(seed >> 11) * 0x1.0p-53 - 0.5);
      }
    for (int it = 0; it < kSolves; ++it) {
      lu.solve(x);
      for (int l = 0; l < lanes; ++l) {
        const index_t j = j0 + l;
        // Against the cluster's vectors: finished ones in z, this group's in x.
        for (index_t c = cluster_start[j]; c < j; ++c) {
          R dot = 0;
          if (c < j0) {
            const R* zc = z + c * n;
            for (index_t i = 0; i < n; ++i) dot += zc[i] * x[i][l];
            for (index_t i = 0; i < n; ++i) x[i][l] -= dot * zc[i];
          } else {
            const int lc = int(c - j0);
            for (index_t i = 0; i < n; ++i) dot += x[i][lc] * x[i][l];
            for (index_t i = 0; i < n; ++i) x[i][l] -= dot * x[i][lc];
          }
        }
        // Unit length, scaled by the largest entry first (the solve may have grown it near
        // the overflow threshold).
        R scale = 0;
        for (index_t i = 0; i < n; ++i) scale = std::max(scale, std::abs(x[i][l]));
        const R inv_scale = scale > R(0) ? R(1) / scale : R(0);
        R norm2 = 0;
        for (index_t i = 0; i < n; ++i) {
          const R v = x[i][l] * inv_scale;
          norm2 += v * v;
        }
        const R factor = norm2 > R(0) ? inv_scale / std::sqrt(norm2) : R(0);
        for (index_t i = 0; i < n; ++i) x[i][l] *= factor;
      }
    }
    for (int l = 0; l < lanes; ++l)
      for (index_t i = 0; i < n; ++i) z[(j0 + l) * n + i] = x[i][l];
  }
}

// True when the k pairs (lam, z) of T have residuals and mutual inner products at rounding
// level: ||T z_j - lam_j z_j|| <= 20 n eps ||T|| and |z_i^T z_j - delta_ij| <= 1e4 eps.
template <class R>
bool verified(const R* d, const R* e, index_t n, const R* lam, index_t k, const R* z) {
  const R eps = std::numeric_limits<R>::epsilon();
  const R tnorm = tridiagonal_norm(d, e, n);
  for (index_t j = 0; j < k; ++j) {
    const R* v = z + j * n;
    R res2 = 0;
    for (index_t i = 0; i < n; ++i) {
      R t = (d[i] - lam[j]) * v[i];
      if (i > 0) t += e[i - 1] * v[i - 1];
      if (i + 1 < n) t += e[i] * v[i + 1];
      res2 += t * t;
    }
    if (!(std::sqrt(res2) <= R(20) * R(n) * eps * tnorm)) return false;
  }
  std::vector<R> g(k * k);
  // z column-major (n x k) is row-major Z^T (k x n): g = Z^T Z.
  gemm(Op::N, Op::T, k, k, n, R(1), z, n, z, n, R(0), g.data(), k);
  for (index_t i = 0; i < k; ++i)
    for (index_t j = 0; j < k; ++j)
      if (!(std::abs(g[i * k + j] - (i == j ? R(1) : R(0))) <= R(1e4) * eps)) return false;
  return true;
}

// Workspace of eigh_top for order n (grows, never shrinks below what a call needs).
template <class T>
struct Scratch {
  std::vector<T> saved, d, e, tau, vals, off, lam, z, work, p;
  void resize(index_t n) {
    if (index_t(d.size()) >= n) return;
    saved.resize(n * n);
    z.resize(n * n);
    for (auto* v : {&d, &e, &tau, &vals, &off, &lam, &p}) v->resize(n);
    work.resize(64 * n);  // sytrd's blocked reduction and ormtr: n times the block size
  }
};

}  // namespace

template <class T>
index_t eigh_top(index_t n, T* a, index_t lda, real_t<T>* w,
                 const std::function<index_t(const real_t<T>*)>& count) {
  auto full = [&]() {
    eigh(n, a, lda, w);
    return std::clamp<index_t>(count(w), 0, n);
  };
  if constexpr (is_complex_v<T>) {
    return full();
  } else {
    if (n < kMinOrder) return full();
    LORANK_CHECK(n <= std::numeric_limits<f_int>::max() && lda >= n, Error,
                 "eigh_top: bad order ", n, " or leading dimension ", lda);
    const f_int fn = f_int(n), flda = f_int(lda);
    // Per-thread scratch, reused: one call per bond of a rounding sweep, and fresh zeroed
    // vectors cost about a twentieth of the call. Large orders get their own (freed after).
    thread_local Scratch<T> kept;
    Scratch<T> own;
    Scratch<T>& ws = n <= kKeptOrder ? kept : own;
    ws.resize(n);
    for (index_t j = 0; j < n; ++j) std::copy(a + j * lda, a + j * lda + n, ws.saved.begin() + j * n);
    auto restore_and_full = [&]() {
      for (index_t j = 0; j < n; ++j)
        std::copy(ws.saved.begin() + j * n, ws.saved.begin() + (j + 1) * n, a + j * lda);
      return full();
    };
    T *d = ws.d.data(), *e = ws.e.data(), *tau = ws.tau.data(), *work = ws.work.data();
    const f_int lw = f_int(ws.work.size());
    if (!tridiagonalize_lower(n, a, lda, d, e, tau, ws.p.data()) &&
        f_sytrd(fn, a, flda, d, e, tau, work, lw) != 0)
      return restore_and_full();
    std::copy(d, d + n, ws.vals.begin());
    std::copy(e, e + n, ws.off.begin());
    if (f_sterf(fn, ws.vals.data(), ws.off.data()) != 0) return restore_and_full();
    std::copy(ws.vals.begin(), ws.vals.begin() + n, w);
    const index_t k = std::clamp<index_t>(count(w), 0, n);
    if (k == 0) return 0;
    T *lam = ws.lam.data(), *z = ws.z.data();
    for (index_t j = 0; j < k; ++j) lam[j] = w[n - 1 - j];
    inverse_iteration(d, e, n, lam, k, z);
    if (!verified(d, e, n, lam, k, z)) return restore_and_full();
    if (f_ormtr(fn, f_int(k), a, flda, tau, z, work, lw) != 0) return restore_and_full();
    // Column j of z (eigenvalue w[n-1-j]) goes to column n-1-j, as eigh would leave it.
    for (index_t j = 0; j < k; ++j) std::copy(z + j * n, z + (j + 1) * n, a + (n - 1 - j) * lda);
    return k;
  }
}

const char* simd_level() { return detail::cpu_has_avx2_fma() ? "avx2+fma" : "baseline"; }

#define LORANK_INSTANTIATE(T)                                 \
  template index_t eigh_top<T>(index_t, T*, index_t, real_t<T>*, \
                               const std::function<index_t(const real_t<T>*)>&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::lapack
