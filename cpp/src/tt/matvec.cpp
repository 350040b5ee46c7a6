// SPDX-License-Identifier: MIT
#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {

template <class T>
Train<T> matmul(const TrainView<T>& a, const std::vector<index_t>& m,
                const std::vector<index_t>& n, const TrainView<T>& b,
                const std::vector<index_t>& q) {
  check_train(a, "TTMatrix.matmul");
  check_train(b, "TTMatrix.matmul");
  const size_t d = a.size();
  LORANK_CHECK(b.size() == d && m.size() == d && n.size() == d && q.size() == d, ShapeError,
               "TTMatrix.matmul: numbers of modes differ: ", d, " vs ", b.size());
  Train<T> out;
  out.reserve(d);
  std::vector<T> ap, bp, prod;
  for (size_t k = 0; k < d; ++k) {
    const CoreView<T>& A = a[k];
    const CoreView<T>& B = b[k];
    const index_t mk = m[k], nk = n[k], qk = q[k];
    LORANK_CHECK(A.n == mk * nk, ShapeError, "TTMatrix.matmul: core ", k, " has mode size ", A.n,
                 ", expected ", mk, "*", nk);
    LORANK_CHECK(B.n == nk * qk, ShapeError, "TTMatrix.matmul: inner mode sizes differ at mode ",
                 k, ": ", nk, " vs ", B.n / std::max<index_t>(qk, 1));
    const index_t ra0 = A.r0, ra1 = A.r1, rb0 = B.r0, rb1 = B.r1;
    // ap[(a,i,c), j] = A[a,i,j,c];  bp[j, (b,q,e)] = B[b,j,q,e]; prod = ap @ bp.
    const index_t arows = ra0 * mk * ra1, bcols = rb0 * qk * rb1;
    ap.resize(arows * nk);
    for (index_t x0 = 0; x0 < ra0; ++x0)
      for (index_t i = 0; i < mk; ++i)
        for (index_t j = 0; j < nk; ++j)
          for (index_t c = 0; c < ra1; ++c)
            ap[((x0 * mk + i) * ra1 + c) * nk + j] = A.data[((x0 * mk + i) * nk + j) * ra1 + c];
    bp.resize(nk * bcols);
    for (index_t y0 = 0; y0 < rb0; ++y0)
      for (index_t j = 0; j < nk; ++j)
        for (index_t t = 0; t < qk * rb1; ++t)
          bp[j * bcols + y0 * qk * rb1 + t] = B.data[(y0 * nk + j) * qk * rb1 + t];
    prod.resize(arows * bcols);
    lapack::gemm(lapack::Op::N, lapack::Op::N, arows, bcols, nk, T(1), ap.data(), nk, bp.data(),
                 bcols, T(0), prod.data(), bcols);
    // out[(a,b), i, q, (c,e)] from prod[(a,i,c), (b,q,e)].
    Core<T> core(ra0 * rb0, mk * qk, ra1 * rb1);
    for (index_t x0 = 0; x0 < ra0; ++x0)
      for (index_t i = 0; i < mk; ++i)
        for (index_t c = 0; c < ra1; ++c) {
          const T* src = &prod[((x0 * mk + i) * ra1 + c) * bcols];
          for (index_t y0 = 0; y0 < rb0; ++y0)
            for (index_t s = 0; s < qk; ++s)
              for (index_t e = 0; e < rb1; ++e)
                core.data[(((x0 * rb0 + y0) * mk + i) * qk + s) * (ra1 * rb1) + c * rb1 + e] =
                    src[(y0 * qk + s) * rb1 + e];
        }
    out.push_back(std::move(core));
  }
  return out;
}

#define LORANK_INSTANTIATE(T)                                                                  \
  template Train<T> matmul<T>(const TrainView<T>&, const std::vector<index_t>&,               \
                              const std::vector<index_t>&, const TrainView<T>&,               \
                              const std::vector<index_t>&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
