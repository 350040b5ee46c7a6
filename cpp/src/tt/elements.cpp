// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdint>

#include "detail.hpp"

namespace lorank::tt {

template <class T>
std::vector<T> at(const TrainView<T>& x, const std::int64_t* idx, index_t batch) {
  check_train(x, "TT.at");
  const index_t d = index_t(x.size());
  LORANK_CHECK(batch >= 0, ShapeError, "TT.at: batch size must be >= 0, got ", batch);
  for (index_t s = 0; s < batch; ++s)
    for (index_t k = 0; k < d; ++k) {
      const std::int64_t i = idx[s * d + k];
      LORANK_CHECK(i >= 0 && i < x[k].n, ShapeError, "TT.at: index ", i, " out of range for mode ",
                   k, " of size ", x[k].n, " (multi-index ", s, ")");
    }
  index_t rmax = 1;
  for (const auto& c : x) rmax = std::max(rmax, c.r1);
  std::vector<T> out(batch), v(rmax), nv(rmax);
  for (index_t s = 0; s < batch; ++s) {
    v[0] = T(1);
    // The running row keeps a power-of-two scale, as dot does: cores of 1e-200 and 1e300
    // have ordinary entries between them, which a plain product would flush to zero.
    std::int64_t exponent = 0;
    for (index_t k = 0; k < d; ++k) {
      const CoreView<T>& c = x[k];
      const T* slice = c.data + idx[s * d + k] * c.r1;
      const T v0 = v[0];
      for (index_t b = 0; b < c.r1; ++b) nv[b] = v0 * slice[b];
      for (index_t a = 1; a < c.r0; ++a) {
        const T va = v[a];
        const T* row = slice + a * c.n * c.r1;
        for (index_t b = 0; b < c.r1; ++b) nv[b] += va * row[b];
      }
      v.swap(nv);
      double mx = 0.0;
      for (index_t b = 0; b < c.r1; ++b) mx = std::max(mx, double(std::abs(v[b])));
      // Only a row far from 1 is rescaled (the usual case is a comparison, not a frexp).
      if (!(mx <= 0x1p32 && mx >= 0x1p-32)) detail::rescale_drifted(c.r1, v.data(), mx, exponent);
    }
    detail::scale_pow2(1, v.data(), exponent);
    out[s] = v[0];
  }
  return out;
}

#define LORANK_INSTANTIATE(T) \
  template std::vector<T> at<T>(const TrainView<T>&, const std::int64_t*, index_t);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
