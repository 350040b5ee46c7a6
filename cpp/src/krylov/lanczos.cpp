// SPDX-License-Identifier: MIT
// Thick-restart Golub-Kahan-Lanczos, step for step the algorithm of
// python/lorank/linalg/lanczos.py (see its docstring): A P = Q B with B the dense matrix of
// projection coefficients, A^T Q = P B^T + r e^T, full reorthogonalization by classical
// Gram-Schmidt twice, a check of the Ritz triplets after every step, and a restart that
// keeps the wanted triplets, half of the others and the residual direction.
#include "lorank/krylov/lanczos.hpp"

#include <algorithm>
#include <cmath>
#include <limits>
#include <numeric>

#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::krylov {

using lapack::Op;

DenseMap::DenseMap(const double* a, index_t m, index_t n) : a_(a), m_(m), n_(n) {}

void DenseMap::apply(const double* x, double* y) const {
  lapack::gemm(Op::N, Op::N, m_, 1, n_, 1.0, a_, n_, x, 1, 0.0, y, 1);
}

void DenseMap::apply_adjoint(const double* y, double* x) const {
  lapack::gemm(Op::T, Op::N, n_, 1, m_, 1.0, a_, n_, y, 1, 0.0, x, 1);
}

CsrMap::CsrMap(const std::int64_t* indptr, const std::int64_t* indices, const double* data,
               index_t m, index_t n)
    : indptr_(indptr), indices_(indices), data_(data), m_(m), n_(n) {
  LORANK_CHECK(indptr[0] == 0, ShapeError, "CSR: indptr[0] must be 0, got ", indptr[0]);
  for (index_t i = 0; i < m; ++i)
    LORANK_CHECK(indptr[i + 1] >= indptr[i], ShapeError, "CSR: indptr decreases at row ", i);
  for (std::int64_t p = 0; p < indptr[m]; ++p)
    LORANK_CHECK(indices[p] >= 0 && indices[p] < n, ShapeError, "CSR: column index ",
                 indices[p], " out of range [0, ", n, ")");
}

void CsrMap::apply(const double* x, double* y) const {
  for (index_t i = 0; i < m_; ++i) {
    double acc = 0.0;
    for (std::int64_t p = indptr_[i]; p < indptr_[i + 1]; ++p) acc += data_[p] * x[indices_[p]];
    y[i] = acc;
  }
}

void CsrMap::apply_adjoint(const double* y, double* x) const {
  std::fill(x, x + n_, 0.0);
  for (index_t i = 0; i < m_; ++i)
    for (std::int64_t p = indptr_[i]; p < indptr_[i + 1]; ++p) x[indices_[p]] += data_[p] * y[i];
}

namespace {

// Standard normal numbers (splitmix64-seeded xorshift, Box-Muller): only for the rare
// random direction that replaces an exhausted Krylov space.
class Normal {
 public:
  explicit Normal(std::uint64_t seed) : state_(seed * 0x9E3779B97F4A7C15ULL + 1) {}
  double next() {
    const double u1 = uniform(), u2 = uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
  }

 private:
  double uniform() {
    state_ ^= state_ << 13;
    state_ ^= state_ >> 7;
    state_ ^= state_ << 17;
    return (static_cast<double>(state_ >> 11) + 0.5) / 9007199254740992.0;
  }
  std::uint64_t state_;
};

// Columns of `basis` (column-major, leading dimension len) 0..count-1.
struct Basis {
  std::vector<double> data;
  index_t len;
  double* col(index_t j) { return data.data() + j * len; }
};

// v minus its projection on the first `count` columns (CGS2); the coefficients into h.
void orthogonalize(Basis& b, index_t count, double* v, std::vector<double>& h,
                   std::vector<double>& h2) {
  h.assign(count, 0.0);
  if (count == 0) return;
  h2.resize(count);
  for (int pass = 0; pass < 2; ++pass) {
    // h2 = B^T v (B read row-major as count x len), v -= B h2
    lapack::gemm(Op::N, Op::N, count, 1, b.len, 1.0, b.data.data(), b.len, v, 1, 0.0,
                 h2.data(), 1);
    lapack::gemm(Op::T, Op::N, b.len, 1, count, -1.0, b.data.data(), b.len, h2.data(), 1, 1.0,
                 v, 1);
    for (index_t i = 0; i < count; ++i) h[i] += h2[i];
  }
}

double norm2(index_t n, const double* v) {
  double s = 0.0;
  for (index_t i = 0; i < n; ++i) s += v[i] * v[i];
  return std::sqrt(s);
}

// Orthogonalize `v` against the first `count` columns and store the unit result in column
// `count`; returns its norm before scaling, 0 (and a random unit direction, or zeros when
// the space is full) where v lay in the span.
double next_direction(Basis& b, index_t count, std::vector<double>& v, double scale,
                      std::vector<double>& h, std::vector<double>& h2, Normal& rng) {
  orthogonalize(b, count, v.data(), h, h2);
  double nrm = norm2(b.len, v.data());
  double* dst = b.col(count);
  const double eps = std::numeric_limits<double>::epsilon();
  if (nrm > 1e3 * eps * std::max(scale, std::numeric_limits<double>::min())) {
    for (index_t i = 0; i < b.len; ++i) dst[i] = v[i] / nrm;
    return nrm;
  }
  if (count >= b.len) {
    std::fill(dst, dst + b.len, 0.0);
    return 0.0;
  }
  std::vector<double> hh, hh2;
  for (index_t i = 0; i < b.len; ++i) v[i] = rng.next();
  orthogonalize(b, count, v.data(), hh, hh2);
  const double r = norm2(b.len, v.data());
  for (index_t i = 0; i < b.len; ++i) dst[i] = v[i] / r;
  return 0.0;
}

void check_finite(const std::vector<double>& y, index_t cycle, index_t products,
                  const char* which) {
  for (double v : y)
    LORANK_CHECK(std::isfinite(v), NumericalError, "lanczos_svd: the product with ", which,
                 " gave NaN or Inf at iteration ", cycle, " (after ", products, " products)");
}

// SVD of the leading j x j block of B (column-major, ld ld): u (j x j), s, vt (j x j).
void small_svd(const std::vector<double>& b, index_t ld, index_t j, std::vector<double>& u,
               std::vector<double>& s, std::vector<double>& vt) {
  std::vector<double> a(j * j);
  for (index_t c = 0; c < j; ++c)
    for (index_t r = 0; r < j; ++r) a[r + c * j] = b[r + c * ld];
  u.resize(j * j);
  s.resize(j);
  vt.resize(j * j);
  lapack::svd(j, j, a.data(), j, u.data(), s.data(), vt.data());
}

}  // namespace

SvdResult lanczos_svd(const LinearMap& a, const double* v0, const SvdOptions& opt) {
  const index_t m = a.rows(), n = a.cols(), dim = std::min(m, n), k = opt.k;
  LORANK_CHECK(k >= 1 && k <= dim, Error, "lanczos_svd: k must be in [1, ", dim, "], got ", k);
  const index_t size =
      opt.ncv == 0 ? std::min(dim, std::max<index_t>(2 * k + 10, 20)) : opt.ncv;
  LORANK_CHECK(size > std::min(k, dim - 1) && size <= dim, Error,
               "lanczos_svd: ncv must be in (k, min(m, n)], got ", size);
  LORANK_CHECK(opt.maxiter >= 1 && opt.rtol > 0.0 && opt.rtol < 1.0, Error,
               "lanczos_svd: maxiter >= 1 and rtol in (0, 1) needed");
  Basis p{std::vector<double>(n * (size + 1), 0.0), n};
  Basis q{std::vector<double>(m * size, 0.0), m};
  std::vector<double> b(size * size, 0.0);  // column-major, ld size
  std::copy(v0, v0 + n, p.col(0));
  Normal rng(opt.seed);
  SvdResult res;
  std::vector<double> wq(m), wp(n), h, h2, u, s, vt;
  index_t start = 0, used = 0;
  double scale = 0.0, beta = 0.0, worst = 0.0;
  for (index_t cycle = 1; cycle <= opt.maxiter; ++cycle) {
    for (index_t j = start; j < size; ++j) {
      a.apply(p.col(j), wq.data());
      check_finite(wq, cycle, ++res.n_matvecs, "A");
      const double alpha = next_direction(q, j, wq, scale, h, h2, rng);
      for (index_t i = 0; i < j; ++i) b[i + j * size] = h[i];
      b[j + j * size] = alpha;
      scale = std::max(scale, alpha);
      a.apply_adjoint(q.col(j), wp.data());
      check_finite(wp, cycle, ++res.n_matvecs, "A^T");
      beta = next_direction(p, j + 1, wp, scale, h, h2, rng);
      scale = std::max(scale, beta);
      if (j + 1 >= k) {
        used = j + 1;
        small_svd(b, size, used, u, s, vt);
        double top = 0.0;
        for (index_t i = 0; i < k; ++i) top = std::max(top, beta * std::abs(u[j + i * used]));
        worst = s[0] > 0 ? top / s[0] : 0.0;
        if (worst <= opt.rtol) break;
      }
    }
    res.history.push_back(worst);
    if (worst <= opt.rtol || cycle == opt.maxiter) break;
    // Thick restart (used == size here): P V_keep, the residual direction, Q U_keep.
    const index_t keep = std::min(size - 1, k + (size - k) / 2);
    std::vector<double> np(n * keep), nq(m * keep);
    // Row-major views: (P V_keep)^T = V_keep^T P^T, where P^T is P's storage read as
    // size x n and V_keep^T = vt[:keep, :] is vt's column-major storage read transposed.
    lapack::gemm(Op::T, Op::N, keep, n, size, 1.0, vt.data(), size, p.data.data(), n, 0.0,
                 np.data(), n);
    lapack::gemm(Op::N, Op::N, keep, m, size, 1.0, u.data(), size, q.data.data(), m, 0.0,
                 nq.data(), m);
    std::copy(p.col(size), p.col(size) + n, p.col(keep));
    std::copy(np.begin(), np.end(), p.data.begin());
    std::copy(nq.begin(), nq.end(), q.data.begin());
    std::fill(b.begin(), b.end(), 0.0);
    for (index_t i = 0; i < keep; ++i) b[i + i * size] = s[i];
    start = keep;
  }
  res.converged = worst <= opt.rtol;
  // Triplets: u_i = Q U[:, i], v_i = P V[:, i] with V = vt^T.
  res.s.assign(s.begin(), s.begin() + k);
  res.u.assign(m * k, 0.0);
  res.vt.assign(k * n, 0.0);
  for (index_t i = 0; i < k; ++i) {
    for (index_t c = 0; c < used; ++c) {
      const double cu = u[c + i * used], cv = vt[i + c * used];
      const double* qc = q.col(c);
      const double* pc = p.col(c);
      for (index_t r = 0; r < m; ++r) res.u[r * k + i] += cu * qc[r];
      for (index_t r = 0; r < n; ++r) res.vt[i * n + r] += cv * pc[r];
    }
    res.residuals.push_back(beta * std::abs(u[(used - 1) + i * used]));
  }
  return res;
}

namespace {

// Eigenpairs of the leading j x j block of T (column-major, ld ld): theta ascending, s j x j.
void small_eigh(const std::vector<double>& t, index_t ld, index_t j, std::vector<double>& theta,
                std::vector<double>& s) {
  s.resize(j * j);
  for (index_t c = 0; c < j; ++c)
    for (index_t r = 0; r < j; ++r) s[r + c * j] = t[r + c * ld];
  theta.resize(j);
  lapack::eigh(j, s.data(), j, theta.data());
}

// Indices of theta in the order `which` wants (stable, as NumPy's argsort(kind="stable")).
std::vector<index_t> wanted_order(const std::vector<double>& theta, Which which) {
  std::vector<index_t> order(theta.size());
  std::iota(order.begin(), order.end(), 0);
  auto key = [&](index_t i) {
    return which == Which::LM ? -std::abs(theta[i]) : (which == Which::LA ? -theta[i] : theta[i]);
  };
  std::stable_sort(order.begin(), order.end(),
                   [&](index_t x, index_t y) { return key(x) < key(y); });
  return order;
}

}  // namespace

EigResult lanczos_eigsh(const LinearMap& a, const double* v0, const EigOptions& opt) {
  const index_t n = a.cols(), k = opt.k;
  LORANK_CHECK(a.rows() == n, Error, "lanczos_eigsh: the operator must be square");
  LORANK_CHECK(k >= 1 && k <= n, Error, "lanczos_eigsh: k must be in [1, ", n, "], got ", k);
  const index_t size = opt.ncv == 0 ? std::min(n, std::max<index_t>(2 * k + 10, 20)) : opt.ncv;
  LORANK_CHECK(size > std::min(k, n - 1) && size <= n, Error,
               "lanczos_eigsh: ncv must be in (k, n], got ", size);
  LORANK_CHECK(opt.maxiter >= 1 && opt.rtol > 0.0 && opt.rtol < 1.0, Error,
               "lanczos_eigsh: maxiter >= 1 and rtol in (0, 1) needed");
  Basis v{std::vector<double>(n * (size + 1), 0.0), n};
  std::vector<double> t(size * size, 0.0);  // column-major, ld size
  std::copy(v0, v0 + n, v.col(0));
  Normal rng(opt.seed);
  EigResult res;
  std::vector<double> w(n), h, h2, theta, s;
  std::vector<index_t> order;
  index_t start = 0, used = 0;
  double scale = 0.0, beta = 0.0, worst = 0.0;
  for (index_t cycle = 1; cycle <= opt.maxiter; ++cycle) {
    for (index_t j = start; j < size; ++j) {
      a.apply(v.col(j), w.data());
      for (double x : w)
        LORANK_CHECK(std::isfinite(x), NumericalError, "lanczos_eigsh: the product with A gave "
                     "NaN or Inf at iteration ", cycle, " (after ", res.n_matvecs + 1,
                     " products)");
      ++res.n_matvecs;
      beta = next_direction(v, j + 1, w, scale, h, h2, rng);
      double hmax = 0.0;
      for (index_t i = 0; i <= j; ++i) {
        t[i + j * size] = h[i];
        t[j + i * size] = h[i];
        hmax = std::max(hmax, std::abs(h[i]));
      }
      scale = std::max({scale, beta, hmax});
      if (j + 1 >= k) {
        used = j + 1;
        small_eigh(t, size, used, theta, s);
        order = wanted_order(theta, opt.which);
        double top = 0.0, big = 0.0;
        for (index_t i = 0; i < k; ++i) top = std::max(top, beta * std::abs(s[j + order[i] * used]));
        for (double x : theta) big = std::max(big, std::abs(x));
        worst = big > 0 ? top / big : 0.0;
        if (worst <= opt.rtol) break;
      }
    }
    res.history.push_back(worst);
    if (worst <= opt.rtol || cycle == opt.maxiter) break;
    const index_t keep = std::min(size - 1, k + (size - k) / 2);
    // New basis columns: V[:, :size] S[:, order[c]] for c < keep.
    std::vector<double> nv(n * keep, 0.0);
    for (index_t c = 0; c < keep; ++c)
      for (index_t q = 0; q < size; ++q) {
        const double coef = s[q + order[c] * size];
        const double* vq = v.col(q);
        double* dst = nv.data() + c * n;
        for (index_t r = 0; r < n; ++r) dst[r] += coef * vq[r];
      }
    std::copy(v.col(size), v.col(size) + n, v.col(keep));
    std::copy(nv.begin(), nv.end(), v.data.begin());
    std::fill(t.begin(), t.end(), 0.0);
    for (index_t c = 0; c < keep; ++c) t[c + c * size] = theta[order[c]];
    start = keep;
  }
  res.converged = worst <= opt.rtol;
  res.vectors.assign(n * k, 0.0);
  for (index_t i = 0; i < k; ++i) {
    res.values.push_back(theta[order[i]]);
    for (index_t q = 0; q < used; ++q) {
      const double coef = s[q + order[i] * used];
      const double* vq = v.col(q);
      for (index_t r = 0; r < n; ++r) res.vectors[r * k + i] += coef * vq[r];
    }
    res.residuals.push_back(beta * std::abs(s[(used - 1) + order[i] * used]));
  }
  return res;
}

}  // namespace lorank::krylov
