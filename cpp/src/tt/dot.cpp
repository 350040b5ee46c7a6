// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace {

// The exponent e of the power of two 2^e just above a core's largest magnitude.
template <class T>
int core_exponent(const CoreView<T>& c) {
  return detail::pow2_exponent(double(lapack::max_abs(c.r0 * c.n * c.r1, c.data)));
}

// One step of the dot recursion, nv = A^H (v B), through t.
template <class T>
void contract(const CoreView<T>& a, const CoreView<T>& b, const std::vector<T>& v,
              std::vector<T>& t, std::vector<T>& nv) {
  const index_t cols = b.n * b.r1;
  t.resize(a.r0 * cols);
  lapack::gemm(lapack::Op::N, lapack::Op::N, a.r0, cols, b.r0, T(1), v.data(), b.r0, b.data,
               cols, T(0), t.data(), cols);
  nv.resize(a.r1 * b.r1);
  lapack::gemm(lapack::Op::C, lapack::Op::N, a.r1, b.r1, a.r0 * a.n, T(1), a.data, a.r1,
               t.data(), b.r1, T(0), nv.data(), b.r1);
}

// A copy of core c divided by 2^e (exactly), for a step redone in balanced units.
template <class T>
Core<T> scaled_copy(const CoreView<T>& c, int e) {
  Core<T> out = detail::copy_core(c);
  detail::scale_pow2(index_t(out.data.size()), out.data.data(), -e);
  return out;
}

}  // namespace

template <class T>
Scaled<T> dot(const TrainView<T>& x, const TrainView<T>& y) {
  check_train(x, "TT.dot");
  check_train(y, "TT.dot");
  LORANK_CHECK(x.size() == y.size(), ShapeError, "TT.dot: numbers of modes differ: ", x.size(),
               " vs ", y.size());
  Scaled<T> out;
  // The scale is kept as an exact power of two, 2^exponent, and turned into a log once:
  // summing rounded logs core by core would cost 1e-13 relative accuracy at d = 1000.
  std::int64_t exponent = 0;
  std::vector<T> v{T(1)}, t, nv;
  // Below this a step may have lost digits to underflow (1e-154 in double, 1e-19 in float).
  const double kTiny = std::sqrt(double(std::numeric_limits<real_t<T>>::min()));
  for (size_t k = 0; k < x.size(); ++k) {
    const CoreView<T>& a = x[k];
    const CoreView<T>& b = y[k];
    LORANK_CHECK(a.n == b.n, ShapeError, "TT.dot: mode sizes differ at mode ", k, ": ", a.n,
                 " vs ", b.n);
    // t = v (a.r0 x b.r0) @ B (b.r0 x n*b.r1); v' = A^H (a.r1 x a.r0*n) @ t (a.r0*n x b.r1).
    contract(a, b, v, t, nv);
    double mx = double(lapack::max_abs(index_t(nv.size()), nv.data()));
    // Cores with entries near the overflow threshold overflow the step, and cores near the
    // underflow threshold (1e-300 times 1e-300) flush it to zero: then again, each core
    // divided by the power of two nearest its largest entry (exactly, in a copy: float has
    // no alpha as large as 2^130). A step whose result is merely small costs one more
    // contraction.
    if (!std::isfinite(mx) || mx < kTiny) {
      const int ea = core_exponent(a), eb = core_exponent(b);
      if (ea != 0 || eb != 0) {
        const Core<T> as = scaled_copy(a, ea), bs = scaled_copy(b, eb);
        contract(as.view(), bs.view(), v, t, nv);
        exponent += ea + eb;
        mx = double(lapack::max_abs(index_t(nv.size()), nv.data()));
      }
    }
    v.swap(nv);
    detail::rescale_drifted(index_t(v.size()), v.data(), mx, exponent);
  }
  out.mantissa = v[0];
  out.exponent = exponent;
  out.log_scale = double(exponent) * 0.6931471805599453;
  return out;
}

template <class T>
Scaled<T> sum(const TrainView<T>& x) {
  check_train(x, "TT.sum");
  Scaled<T> out;
  std::vector<T> v{T(1)}, nv;
  for (const CoreView<T>& c : x) {
    nv.assign(c.r1, T(0));
    for (index_t a = 0; a < c.r0; ++a) {
      const T va = v[a];
      for (index_t i = 0; i < c.n; ++i) {
        const T* row = c.data + (a * c.n + i) * c.r1;
        for (index_t b = 0; b < c.r1; ++b) nv[b] += va * row[b];
      }
    }
    v.swap(nv);
    out.exponent += detail::normalize_pow2(index_t(v.size()), v.data());
  }
  out.mantissa = v[0];
  out.log_scale = double(out.exponent) * 0.6931471805599453;
  return out;
}

#define LORANK_INSTANTIATE(T)                                                  \
  template Scaled<T> dot<T>(const TrainView<T>&, const TrainView<T>&);         \
  template Scaled<T> sum<T>(const TrainView<T>&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
