// SPDX-License-Identifier: MIT
#include <algorithm>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace detail {

using lapack::Op;

template <class T>
void right_orthogonalize(Train<T>& x) {
  std::vector<T> r;
  for (size_t k = x.size() - 1; k >= 1; --k) {
    Core<T>& c = x[k];
    // Row-major (r0, n*r1) is column-major A = (n*r1 x r0); A = Q R gives core = Q^T.
    const index_t m = c.n * c.r1, p = std::min(m, c.r0);
    r.assign(p * c.r0, T(0));
    lapack::qr(m, c.r0, c.data.data(), m, r.data());
    const index_t old_r0 = c.r0;
    c.data.resize(p * m);
    c.r0 = p;
    // Previous core (r0p*n, old_r0) times R^T; R (p x old_r0, col-major) is row-major R^T.
    Core<T>& prev = x[k - 1];
    Core<T> next(prev.r0, prev.n, p);
    lapack::gemm(Op::N, Op::N, prev.r0 * prev.n, p, old_r0, T(1), prev.data.data(), old_r0,
                 r.data(), p, T(0), next.data.data(), p);
    prev = std::move(next);
  }
}

template <class T>
void left_orthogonalize(Train<T>& x) {
  std::vector<T> a, r;
  for (size_t k = 0; k + 1 < x.size(); ++k) {
    Core<T>& c = x[k];
    const index_t m = c.r0 * c.n, p = std::min(m, c.r1);
    // Column-major copy of the left unfolding L (m x r1), then L = Q R.
    a.resize(m * c.r1);
    for (index_t i = 0; i < m; ++i)
      for (index_t j = 0; j < c.r1; ++j) a[i + j * m] = c.data[i * c.r1 + j];
    r.assign(p * c.r1, T(0));
    lapack::qr(m, c.r1, a.data(), m, r.data());
    const index_t old_r1 = c.r1;
    c.r1 = p;
    c.data.resize(m * p);
    for (index_t i = 0; i < m; ++i)
      for (index_t j = 0; j < p; ++j) c.data[i * p + j] = a[i + j * m];
    // Next core becomes R * N; R column-major (p x old_r1) is row-major R^T (old_r1 x p).
    Core<T>& nxt = x[k + 1];
    Core<T> upd(p, nxt.n, nxt.r1);
    const index_t cols = nxt.n * nxt.r1;
    lapack::gemm(Op::T, Op::N, p, cols, old_r1, T(1), r.data(), p, nxt.data.data(), cols, T(0),
                 upd.data.data(), cols);
    nxt = std::move(upd);
  }
}

template <class T>
double truncate_left_to_right(Train<T>& x, const Truncation& trunc, double norm) {
  const size_t d = x.size();
  if (d < 2) return 0.0;
  const double delta2 = trunc.rtol * trunc.rtol * norm * norm / double(d - 1);
  double err2 = 0.0;
  std::vector<T> u, vt;
  std::vector<real_t<T>> s;
  for (size_t k = 0; k + 1 < d; ++k) {
    Core<T>& c = x[k];
    // Row-major L (r0*n x r1) is column-major M = L^T (r1 x r0*n); M = U S V^H.
    const index_t rows = c.r0 * c.n, r1 = c.r1, p = std::min(rows, r1);
    u.resize(r1 * p);
    vt.resize(p * rows);
    s.resize(p);
    lapack::svd(r1, rows, c.data.data(), r1, u.data(), s.data(), vt.data());
    const index_t rank = truncation_rank(s.data(), p, delta2, bond_cap(trunc, k), err2);
    // New core: first `rank` columns of conj(V), which is vt read row-major (rows x p).
    Core<T> core(c.r0, c.n, rank);
    for (index_t i = 0; i < rows; ++i)
      std::copy(vt.begin() + i * p, vt.begin() + i * p + rank, core.data.begin() + i * rank);
    // Next core: diag(s) U^T N; u column-major (r1 x p) is row-major U^T (p x r1).
    Core<T>& nxt = x[k + 1];
    Core<T> upd(rank, nxt.n, nxt.r1);
    const index_t cols = nxt.n * nxt.r1;
    lapack::gemm(Op::N, Op::N, rank, cols, r1, T(1), u.data(), r1, nxt.data.data(), cols, T(0),
                 upd.data.data(), cols);
    for (index_t i = 0; i < rank; ++i)
      for (index_t j = 0; j < cols; ++j) upd.data[i * cols + j] *= s[i];
    c = std::move(core);
    nxt = std::move(upd);
  }
  return std::sqrt(err2);
}

}  // namespace detail

template <class T>
Train<T> orthogonalize(const TrainView<T>& x, Side side) {
  check_train(x, "orthogonalize");
  Train<T> out;
  out.reserve(x.size());
  for (const auto& v : x) out.push_back(detail::copy_core(v));
  if (side == Side::Right)
    detail::right_orthogonalize(out);
  else
    detail::left_orthogonalize(out);
  return out;
}

#define LORANK_INSTANTIATE(T)                                                   \
  template Train<T> orthogonalize<T>(const TrainView<T>&, Side);               \
  template void detail::right_orthogonalize<T>(Train<T>&);                      \
  template void detail::left_orthogonalize<T>(Train<T>&);                       \
  template double detail::truncate_left_to_right<T>(Train<T>&, const Truncation&, double);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
