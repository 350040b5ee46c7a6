// SPDX-License-Identifier: MIT
// The truncation sweep of rounding: bond by bond, through the SVD of the left unfolding or,
// where the request allows, the eigendecomposition of its Gram matrix.
#include <algorithm>
#include <cmath>
#include <limits>
#include <type_traits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace detail {

using lapack::Op;

namespace {

// The factor F (rank x r1, row-major) that multiplies the next core becomes F inv(R2)^T
// when the next core holds Q1 with its triangular solve left undone (lazy R2).
template <class T>
void apply_lazy(const std::vector<T>& r2, index_t rank, index_t r1, T* f) {
  if (!r2.empty()) lapack::solve_upper(r1, rank, r2.data(), r1, f, r1);
}

// One bond of the sweep through the Gram matrix of the left unfolding L (rows x r1) on its
// smaller side (L^H L for tall L, L L^H for wide L): cheaper than an SVD of L, exact up to
// sqrt(eps) * sigma_1. Returns false (and changes nothing) where that accuracy could matter:
// a kept singular value below kMinKept * sigma_1, or an allowed error below
// kNoise * sqrt(eps) * sigma_1 unless the rank is certain anyway (the cap clearly sets it,
// or the smallest kept value is clearly above the budget with the rank at the cap or at
// k): the error made is then measured rather than read off the eigenvalues.
template <class T>
bool gram_bond(Core<T>& c, Core<T>& nxt, const std::vector<T>& r2, double delta2, index_t cap,
               double& err2) {
  using R = real_t<T>;
  constexpr double kMinKept = 1e-4, kNoise = 1e3;
  if (!std::is_same_v<R, double>) return false;
  const index_t rows = c.r0 * c.n, r1 = c.r1, cols = nxt.n * nxt.r1;
  const bool tall = rows >= r1;
  const index_t k = tall ? r1 : rows;
  // Row-major L is column-major M = L^T (r1 x rows). The Gram matrix G (L^H L or L L^H)
  // read column-major is conj(G) = M M^H or M^H M: its lower triangle is all eigh_top
  // reads, and its eigenvectors are the conjugated ones.
  std::vector<T> g(k * k);
  lapack::herk_lower(!tall, k, tall ? rows : r1, c.data.data(), r1, g.data(), k);
  // Eigenvalues first: the rank (and whether this bond can use G at all) decides how many
  // eigenvectors are needed.
  std::vector<R> lam(k), sig(k);
  double tail2 = 0.0;
  index_t rank = 0;
  bool usable = false, measure_tail = false;
  auto choose = [&](const R* w) -> index_t {
    // Eigenvalues below the rounding noise of G (k * eps * lambda_max) are zeros.
    const R noise = R(k) * std::numeric_limits<R>::epsilon() * std::max(w[k - 1], R(0));
    for (index_t j = 0; j < k; ++j) {
      const R l = w[k - 1 - j];
      sig[j] = l > noise ? std::sqrt(l) : R(0);
    }
    rank = truncation_rank(sig.data(), k, delta2, cap, tail2);
    const double s1 = sig[0], eps = std::numeric_limits<R>::epsilon();
    const double allowed = std::max(std::sqrt(delta2), std::sqrt(tail2));
    // Each eigenvalue of G carries an error up to about k eps lambda_1: a tail this far
    // above the rtol budget means the cap sets the rank, as it does on the SVD path.
    const bool cap_sets_rank = tail2 > delta2 + 10.0 * double(k) * eps * s1 * s1;
    const bool tail_resolved = allowed >= kNoise * std::sqrt(eps) * s1;
    // The smallest kept singular value clearly above the budget: the SVD path keeps it
    // too, so where the rank is the cap or everything (k), it is the SVD path's rank
    // whatever the noise in the tail.
    const double noise2 = 10.0 * double(k) * eps * s1 * s1, last_kept = sig[rank - 1];
    const bool kept_clear = last_kept * last_kept > delta2 + noise2;
    const bool rank_certain = kept_clear && (rank == k || (cap > 0 && rank == cap));
    // A wide L keeping every singular value so only turns into W (W^H L): an orthogonal
    // change of basis, exact at any rtol.
    const bool exact_basis_change = !tall && rank == k && kept_clear;
    usable = s1 > 0.0 && last_kept > 0.0 &&
             (exact_basis_change ||
              (last_kept >= kMinKept * s1 && (tail_resolved || cap_sets_rank || rank_certain)));
    // The tail read off the eigenvalues is good to about k eps lambda_1 (values below the
    // noise floor count as zeros): a small one is measured instead. Nothing is dropped
    // where the rank is k.
    const bool tail_accurate = tail2 >= 1e6 * double(k) * eps * s1 * s1;
    measure_tail = usable && rank < k && !(tail_resolved && tail_accurate);
    return usable ? rank : 0;
  };
  lapack::eigh_top<T>(k, g.data(), k, lam.data(), choose);
  if (!usable) return false;
  // eigenvector j (descending) of G, entry a
  auto vec = [&](index_t a, index_t j) { return lorank::conj(g[a + (k - 1 - j) * k]); };
  Core<T> core(c.r0, c.n, rank, uninitialized), upd(rank, nxt.n, nxt.r1, uninitialized);
  std::vector<T> left(r1 * rank), right(rank * r1);
  if (tall) {
    // L = W S Z^H: core = L Z_k / sigma, right factor diag(sigma) Z_k^H (row-major).
    for (index_t a = 0; a < r1; ++a)
      for (index_t j = 0; j < rank; ++j) {
        left[a * rank + j] = vec(a, j) / T(sig[j]);
        right[j * r1 + a] = lorank::conj(vec(a, j)) * T(sig[j]);
      }
    lapack::gemm(Op::N, Op::N, rows, rank, r1, T(1), c.data.data(), r1, left.data(), rank, T(0),
                 core.data.data(), rank);
  } else {
    // Eigenvectors of L L^H are W itself: core = W_k, right factor W_k^H L.
    for (index_t a = 0; a < rows; ++a)
      for (index_t j = 0; j < rank; ++j) core.data[a * rank + j] = vec(a, j);
    lapack::gemm(Op::C, Op::N, rank, r1, rows, T(1), core.data.data(), rank, c.data.data(), r1,
                 T(0), right.data(), r1);
  }
  if (measure_tail) {
    // A tail too small for G to resolve: measure it, ||L - core * right||^2.
    Buffer<T> resid(c.data.begin(), c.data.end());
    lapack::gemm(Op::N, Op::N, rows, r1, rank, T(-1), core.data.data(), rank, right.data(), r1,
                 T(1), resid.data(), r1);
    const double e = frobenius(resid.data(), index_t(resid.size()));
    tail2 = e * e;
  }
  err2 += tail2;
  apply_lazy(r2, rank, r1, right.data());
  lapack::gemm(Op::N, Op::N, rank, cols, r1, T(1), right.data(), r1, nxt.data.data(), cols, T(0),
               upd.data.data(), cols);
  c = std::move(core);
  nxt = std::move(upd);
  return true;
}

// One bond of the sweep through the SVD of the left unfolding (exact).
template <class T>
void svd_bond(Core<T>& c, Core<T>& nxt, const std::vector<T>& r2, double delta2, index_t cap,
              double& err2) {
  // Row-major L (r0*n x r1) is column-major M = L^T (r1 x r0*n); M = U S V^H.
  const index_t rows = c.r0 * c.n, r1 = c.r1, p = std::min(rows, r1);
  std::vector<T> u(r1 * p), vt(p * rows);
  std::vector<real_t<T>> s(p);
  lapack::svd(r1, rows, c.data.data(), r1, u.data(), s.data(), vt.data());
  const index_t rank = truncation_rank(s.data(), p, delta2, cap, err2);
  // New core: first `rank` columns of conj(V), which is vt read row-major (rows x p).
  Core<T> core(c.r0, c.n, rank, uninitialized);
  for (index_t i = 0; i < rows; ++i)
    std::copy(vt.begin() + i * p, vt.begin() + i * p + rank, core.data.begin() + i * rank);
  // Next core: diag(s) U^T N; u column-major (r1 x p) is row-major U^T (p x r1).
  apply_lazy(r2, rank, r1, u.data());
  Core<T> upd(rank, nxt.n, nxt.r1, uninitialized);
  const index_t cols = nxt.n * nxt.r1;
  lapack::gemm(Op::N, Op::N, rank, cols, r1, T(1), u.data(), r1, nxt.data.data(), cols, T(0),
               upd.data.data(), cols);
  for (index_t i = 0; i < rank; ++i)
    for (index_t j = 0; j < cols; ++j) upd.data[i * cols + j] *= s[i];
  c = std::move(core);
  nxt = std::move(upd);
}

}  // namespace

template <class T>
double truncate_left_to_right(Train<T>& x, const Truncation& trunc, double norm,
                              bool allow_gram, const LazyFactors<T>* lazy) {
  const size_t d = x.size();
  if (d < 2) return 0.0;
  const double delta2 = trunc.rtol * trunc.rtol * norm * norm / double(d - 1);
  double err2 = 0.0;
  const std::vector<T> none;
  for (size_t k = 0; k + 1 < d; ++k) {
    const index_t cap = bond_cap(trunc, k);
    const std::vector<T>& r2 = lazy != nullptr ? (*lazy)[k + 1] : none;
    if (!(allow_gram && gram_bond(x[k], x[k + 1], r2, delta2, cap, err2)))
      svd_bond(x[k], x[k + 1], r2, delta2, cap, err2);
  }
  return std::sqrt(err2);
}

#define LORANK_INSTANTIATE(T)                                                                 \
  template double truncate_left_to_right<T>(Train<T>&, const Truncation&, double, bool, \
                                            const LazyFactors<T>*);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace detail
}  // namespace lorank::tt
