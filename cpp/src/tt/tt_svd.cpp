// SPDX-License-Identifier: MIT
#include <cmath>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {

template <class T>
Rounded<T> tt_svd(const T* a, const std::vector<index_t>& shape, const Truncation& trunc) {
  const size_t d = shape.size();
  LORANK_CHECK(d > 0, ShapeError, "TT.from_dense: the tensor needs at least one mode");
  index_t total = 1;
  for (size_t k = 0; k < d; ++k) {
    LORANK_CHECK(shape[k] > 0, ShapeError, "TT.from_dense: mode ", k, " has size ", shape[k],
                 ", expected > 0");
    total *= shape[k];
  }
  LORANK_CHECK(trunc.rtol >= 0.0 && trunc.rtol < 1.0, Error,
               "TT.from_dense: rtol must be in [0, 1), got ", trunc.rtol);
  Rounded<T> res;
  double norm = detail::frobenius(a, total);
  // buf holds the remainder C (r*n_k x rest) row-major, i.e. column-major (rest x r*n_k).
  std::vector<T> buf(a, a + total), u, vt;
  // A tensor whose norm is far from 1 is divided by a power of two (exactly) first: the
  // squared singular values of one near 1e200 would overflow, of one near 1e-200 underflow.
  int exponent = 0;
  if (norm > 0.0 && !(norm > 0x1p-400 && norm < 0x1p400)) {
    exponent = detail::pow2_exponent(norm);
    detail::scale_pow2(total, buf.data(), -exponent);
    norm = detail::frobenius(buf.data(), total);
  }
  const double delta2 = d > 1 ? trunc.rtol * trunc.rtol * norm * norm / double(d - 1) : 0.0;
  double err2 = 0.0;
  std::vector<real_t<T>> s;
  index_t r = 1, rest = total;
  std::vector<T> tmp, rf, ur, w;
  for (size_t k = 0; k + 1 < d; ++k) {
    rest /= shape[k];
    const index_t cols = r * shape[k], p = std::min(rest, cols);
    vt.resize(p * cols);
    s.resize(p);
    if (rest >= cols) {
      // Tall M = buf (rest x cols): the SVD of its R factor gives S and V, and the remainder
      // U S = M V needs no U, so Q is never formed (one QR and one GEMM pass over M).
      tmp.assign(buf.begin(), buf.begin() + rest * cols);
      rf.assign(cols * cols, T(0));
      lapack::qr_r(rest, cols, tmp.data(), rest, rf.data());
      ur.resize(cols * cols);
      lapack::svd(cols, cols, rf.data(), cols, ur.data(), s.data(), vt.data());
    } else {
      u.resize(rest * p);
      lapack::svd(rest, cols, buf.data(), rest, u.data(), s.data(), vt.data());
    }
    const index_t rank =
        detail::truncation_rank(s.data(), p, delta2, detail::bond_cap(trunc, k), err2);
    // Core: first `rank` columns of vt read row-major (cols x p), i.e. of conj(V).
    Core<T> core(r, shape[k], rank);
    for (index_t i = 0; i < cols; ++i)
      std::copy(vt.begin() + i * p, vt.begin() + i * p + rank, core.data.begin() + i * rank);
    res.cores.push_back(std::move(core));
    // Remainder S U^T (rank x rest) row-major = U[:, :rank] S column-major.
    if (rest >= cols) {
      // = M V[:, :rank]; w (cols x rank, column-major) read row-major is W^T.
      w.resize(cols * rank);
      for (index_t j = 0; j < rank; ++j)
        for (index_t i = 0; i < cols; ++i) w[i + j * cols] = lorank::conj(vt[j + i * p]);
      tmp.resize(rest * rank);
      lapack::gemm(lapack::Op::N, lapack::Op::N, rank, rest, cols, T(1), w.data(), cols,
                   buf.data(), rest, T(0), tmp.data(), rest);
      buf.swap(tmp);
    } else {
      buf.resize(rest * rank);
      for (index_t j = 0; j < rank; ++j)
        for (index_t i = 0; i < rest; ++i) buf[i + j * rest] = u[i + j * rest] * s[j];
    }
    r = rank;
  }
  Core<T> last(r, shape[d - 1], 1);
  // Remainder is column-major (n_d x r) = row-major (r x n_d).
  std::copy(buf.begin(), buf.begin() + r * shape[d - 1], last.data.begin());
  res.cores.push_back(std::move(last));
  detail::spread_exponent(res.cores, exponent);
  detail::set_errors(res, std::sqrt(err2), norm, exponent);
  return res;
}

#define LORANK_INSTANTIATE(T) \
  template Rounded<T> tt_svd<T>(const T*, const std::vector<index_t>&, const Truncation&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
