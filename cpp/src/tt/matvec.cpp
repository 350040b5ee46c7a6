// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <limits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace detail {

template <class T>
Core<T> product_core(const CoreView<T>& A, const CoreView<T>& B, index_t mk, index_t nk,
                     index_t qk) {
  const index_t ra0 = A.r0, ra1 = A.r1, rb0 = B.r0, rb1 = B.r1;
  // out[(a,b), (i,s), (c,e)] = sum_j A[a,i,j,c] B[b,j,s,e]; the innermost loop runs over
  // e, contiguous in B and in the output (the mode sizes are too small for a GEMM).
  Core<T> core(ra0 * rb0, mk * qk, ra1 * rb1);
  for (index_t a = 0; a < ra0; ++a)
    for (index_t b = 0; b < rb0; ++b)
      for (index_t i = 0; i < mk; ++i)
        for (index_t s = 0; s < qk; ++s) {
          T* row = core.data.data() + ((a * rb0 + b) * mk * qk + i * qk + s) * ra1 * rb1;
          for (index_t c = 0; c < ra1; ++c)
            for (index_t j = 0; j < nk; ++j) {
              const T coef = A.data[((a * mk + i) * nk + j) * ra1 + c];
              const T* src = B.data + ((b * nk + j) * qk + s) * rb1;
              T* dst = row + c * rb1;
              for (index_t e = 0; e < rb1; ++e) dst[e] += coef * src[e];
            }
        }
  return core;
}

template <class T>
Core<T> product_times_rt_backwards(const CoreView<T>& A, const CoreView<T>& B, index_t m,
                                   index_t n, index_t q, const T* rt, index_t rank) {
  using lapack::Op;
  const index_t ra0 = A.r0, ra1 = A.r1, rb0 = B.r0, rb1 = B.r1, cols = n * q * rb1;
  // out[(c,e), (i,s), t] = sum_{a,b,j} A[a,i,j,c] B[b,j,s,e] RT[(a,b), t].
  // W[a, (j,s,e), t] = sum_b B[b, (j,s,e)] RT[(a,b), t]: one GEMM per a.
  Buffer<T> w(ra0 * cols * rank);
  for (index_t a = 0; a < ra0; ++a)
    lapack::gemm(Op::T, Op::N, cols, rank, rb0, T(1), B.data, cols, rt + a * rb0 * rank, rank,
                 T(0), w.data() + a * cols * rank, rank);
  // For each (i, s): C[c, (e,t)] = sum_{(a,j)} A[a,i,j,c] W[a, j, s, (e,t)]; the rows (a,j)
  // of W for fixed s lie q*rb1*rank apart.
  Core<T> out(ra1 * rb1, m * q, rank, uninitialized);
  Buffer<T> ai(ra0 * n * ra1), c(ra1 * rb1 * rank);
  const index_t block = rb1 * rank;
  for (index_t i = 0; i < m; ++i) {
    for (index_t a = 0; a < ra0; ++a)
      for (index_t j = 0; j < n; ++j)
        std::copy(A.data + ((a * m + i) * n + j) * ra1, A.data + ((a * m + i) * n + j + 1) * ra1,
                  ai.data() + (a * n + j) * ra1);
    for (index_t s = 0; s < q; ++s) {
      lapack::gemm(Op::T, Op::N, ra1, block, ra0 * n, T(1), ai.data(), ra1,
                   w.data() + s * block, q * block, T(0), c.data(), block);
      for (index_t cc = 0; cc < ra1; ++cc)
        for (index_t e = 0; e < rb1; ++e)
          std::copy(c.data() + (cc * rb1 + e) * rank, c.data() + (cc * rb1 + e + 1) * rank,
                    out.data.data() + ((cc * rb1 + e) * m * q + i * q + s) * rank);
    }
  }
  return out;
}

template <class T>
std::pair<TrainView<T>, std::int64_t> balanced(const TrainView<T>& x, Train<T>& storage) {
  const double limit = std::ldexp(1.0, int(std::numeric_limits<real_t<T>>::max_exponent / 2.5));
  bool extreme = false;
  for (const CoreView<T>& c : x) {
    const double mx = double(lapack::max_abs(c.r0 * c.n * c.r1, c.data));
    extreme = extreme || (mx > 0.0 && !(mx < limit && mx > 1.0 / limit));
  }
  if (!extreme) return {x, 0};
  storage = copy_train(x);
  const std::int64_t exponent = balance(storage);
  return {views(storage), exponent};
}

template <class T>
std::int64_t balance(Train<T>& x) {
  std::int64_t exponent = 0;
  for (Core<T>& c : x) exponent += normalize_pow2(index_t(c.data.size()), c.data.data());
  return exponent;
}

template <class T>
Train<T> product_train(const TrainView<T>& a, const TrainView<T>& b,
                       const std::vector<index_t>& m, const std::vector<index_t>& n,
                       const std::vector<index_t>& q) {
  Train<T> out;
  out.reserve(a.size());
  for (size_t k = 0; k < a.size(); ++k) out.push_back(product_core(a[k], b[k], m[k], n[k], q[k]));
  return out;
}

template <class T>
void check_matmul(const TrainView<T>& a, const std::vector<index_t>& m,
                  const std::vector<index_t>& n, const TrainView<T>& b,
                  const std::vector<index_t>& q) {
  check_train(a, "TTMatrix.matmul");
  check_train(b, "TTMatrix.matmul");
  const size_t d = a.size();
  LORANK_CHECK(b.size() == d && m.size() == d && n.size() == d && q.size() == d, ShapeError,
               "TTMatrix.matmul: numbers of modes differ: ", d, " vs ", b.size());
  for (size_t k = 0; k < d; ++k) {
    LORANK_CHECK(a[k].n == m[k] * n[k], ShapeError, "TTMatrix.matmul: core ", k,
                 " has mode size ", a[k].n, ", expected ", m[k], "*", n[k]);
    LORANK_CHECK(b[k].n == n[k] * q[k], ShapeError,
                 "TTMatrix.matmul: inner mode sizes differ at mode ", k, ": ", n[k], " vs ",
                 b[k].n / std::max<index_t>(q[k], 1));
  }
}

}  // namespace detail

template <class T>
Train<T> matmul(const TrainView<T>& a, const std::vector<index_t>& m,
                const std::vector<index_t>& n, const TrainView<T>& b,
                const std::vector<index_t>& q) {
  detail::check_matmul(a, m, n, b, q);
  // Cores far from 1 are multiplied in balanced units, the powers of two spread back over
  // the result (a 1e250 core times a 1e300 one would overflow).
  Train<T> as, bs;
  const auto [av, ea] = detail::balanced(a, as);
  const auto [bv, eb] = detail::balanced(b, bs);
  Train<T> out = detail::product_train(av, bv, m, n, q);
  if (ea + eb != 0) detail::spread_exponent(out, ea + eb);
  return out;
}

#define LORANK_INSTANTIATE(T)                                                                  \
  template Train<T> matmul<T>(const TrainView<T>&, const std::vector<index_t>&,               \
                              const std::vector<index_t>&, const TrainView<T>&,               \
                              const std::vector<index_t>&);                                   \
  template void detail::check_matmul<T>(const TrainView<T>&, const std::vector<index_t>&,     \
                                        const std::vector<index_t>&, const TrainView<T>&,     \
                                        const std::vector<index_t>&);                         \
  template std::pair<TrainView<T>, std::int64_t> detail::balanced<T>(const TrainView<T>&,    \
                                                                     Train<T>&);              \
  template std::int64_t detail::balance<T>(Train<T>&);                                        \
  template Train<T> detail::product_train<T>(const TrainView<T>&, const TrainView<T>&,        \
                                             const std::vector<index_t>&,                     \
                                             const std::vector<index_t>&,                     \
                                             const std::vector<index_t>&);                    \
  template Core<T> detail::product_core<T>(const CoreView<T>&, const CoreView<T>&, index_t,   \
                                           index_t, index_t);                                 \
  template Core<T> detail::product_times_rt_backwards<T>(                                     \
      const CoreView<T>&, const CoreView<T>&, index_t, index_t, index_t, const T*, index_t);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
