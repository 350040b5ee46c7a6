// SPDX-License-Identifier: MIT
#include <algorithm>

#include "detail.hpp"

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
  for (size_t k = 0; k < d; ++k) {
    const CoreView<T>& A = a[k];
    const CoreView<T>& B = b[k];
    const index_t mk = m[k], nk = n[k], qk = q[k];
    LORANK_CHECK(A.n == mk * nk, ShapeError, "TTMatrix.matmul: core ", k, " has mode size ", A.n,
                 ", expected ", mk, "*", nk);
    LORANK_CHECK(B.n == nk * qk, ShapeError, "TTMatrix.matmul: inner mode sizes differ at mode ",
                 k, ": ", nk, " vs ", B.n / std::max<index_t>(qk, 1));
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
