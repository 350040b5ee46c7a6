// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <type_traits>
#include <limits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace {

using lapack::Op;

// Orthogonalize left to right and truncate right to left, as ttpy, teneva and torchtt do
// (either order is quasi-optimal; the same one gives the same cores): written as the
// opposite sweeps of the mirrored train, which is formed core by core as the first sweep
// reaches it.
// The train of d cores whose first core read backwards is `first_mirrored` and whose other
// cores `source` supplies (see right_orthogonalize).
template <class T>
Rounded<T> round_backwards(Core<T> first_mirrored, size_t d,
                           const detail::BackwardCores<T>& source, const Truncation& trunc,
                           bool allow_gram) {
  Rounded<T> res;
  res.cores.resize(d);
  res.cores[d - 1] = std::move(first_mirrored);
  detail::LazyFactors<T> lazy;
  // orth-gram works to sqrt(eps) accuracy: a single Cholesky pass per well-conditioned
  // core is enough for it (see right_orthogonalize).
  const detail::OrthScale sc =
      detail::right_orthogonalize(res.cores, allow_gram, &lazy, &source, allow_gram);
  const auto& c0 = res.cores.front();
  const double norm = detail::frobenius(c0.data.data(), index_t(c0.data.size()));
  const double err = detail::truncate_left_to_right(res.cores, detail::mirror(trunc, d), norm,
                                                    allow_gram, &lazy);
  detail::spread_exponent(res.cores, sc.exponent);
  detail::set_errors(res, std::sqrt(err * err + sc.rel_dropped2 * norm * norm), norm,
                     sc.exponent);
  res.cores = detail::mirror(res.cores);
  return res;
}

template <class T>
Rounded<T> round_svd(const TrainView<T>& x, const Truncation& trunc, bool allow_gram = false) {
  const detail::BackwardCores<T> source = [&x](size_t j, const T* rt, index_t rank) {
    return detail::times_rt_backwards(x[j], rt, rank);
  };
  return round_backwards(detail::mirror_core(x.front()), x.size(), source, trunc, allow_gram);
}

// Column-major copy of a Hermitian matrix stored row-major (conjugate for complex).
template <class T>
std::vector<T> hermitian_colmajor(const std::vector<T>& g) {
  std::vector<T> out(g.size());
  for (size_t i = 0; i < g.size(); ++i) out[i] = lorank::conj(g[i]);
  return out;
}

// Eigenpairs of a Hermitian PSD matrix, dropping numerically zero ones: returns the kept
// eigenvectors scaled as V * diag(lambda^p) in column-major (n x kept).
template <class T>
index_t psd_factor(std::vector<T>& g, index_t n, std::vector<real_t<T>>& w) {
  w.resize(n);
  lapack::eigh(n, g.data(), n, w.data());
  const double floor = std::max(double(w[n - 1]), 0.0) * n *
                       std::numeric_limits<real_t<T>>::epsilon();
  index_t first = 0;
  while (first < n && double(w[first]) <= floor) ++first;
  return first;  // eigenpairs first..n-1 are kept
}

template <class T>
Rounded<T> round_gram(const TrainView<T>& x, const Truncation& trunc) {
  const size_t d = x.size();
  Rounded<T> res;
  res.cores = detail::copy_train(x);
  Train<T>& c = res.cores;
  // Each core divided by the power of two nearest its largest entry (exact): cores far from
  // 1 in opposite directions would otherwise overflow the Gram matrices of a train whose
  // norm is fine. The powers go back into the result at the end.
  const std::int64_t exponent = detail::balance(c);
  // Right Gram matrices: gr[k] (r1_k x r1_k, row-major) of the part right of bond k.
  std::vector<std::vector<T>> gr(d);
  gr[d - 1] = {T(1)};
  std::vector<T> tmp;
  for (size_t k = d - 1; k >= 1; --k) {
    const Core<T>& xk = c[k];
    const index_t cols = xk.n * xk.r1;
    tmp.resize(xk.r0 * cols);
    lapack::gemm(Op::N, Op::N, xk.r0 * xk.n, xk.r1, xk.r1, T(1), xk.data.data(), xk.r1,
                 gr[k].data(), xk.r1, T(0), tmp.data(), xk.r1);
    gr[k - 1].assign(xk.r0 * xk.r0, T(0));
    lapack::gemm(Op::N, Op::C, xk.r0, xk.r0, cols, T(1), tmp.data(), cols, xk.data.data(), cols,
                 T(0), gr[k - 1].data(), xk.r0);
    // No running scale here: a long or badly scaled train takes the scaled sweep instead.
    const double mx = double(lapack::max_abs(index_t(gr[k - 1].size()), gr[k - 1].data()));
    if (!(std::isfinite(mx) && mx < 1e250 && (mx > 1e-250 || mx == 0.0)))
      return round_svd(x, trunc, true);
  }
  {
    const Core<T>& x0 = c[0];
    const index_t cols = x0.n * x0.r1;
    tmp.resize(cols);
    lapack::gemm(Op::N, Op::N, x0.n, x0.r1, x0.r1, T(1), x0.data.data(), x0.r1, gr[0].data(),
                 x0.r1, T(0), tmp.data(), x0.r1);
    T n2(0);
    for (index_t j = 0; j < cols; ++j) n2 += tmp[j] * lorank::conj(x0.data[j]);
    res.norm = std::sqrt(std::max(0.0, double(std::real(n2))));
  }
  res.rel_error = 0.0;
  // The Gram recursion keeps no running scale: out of a safe range, use the scaled path.
  const double n2 = res.norm * res.norm;
  if (!(n2 > 1e-250 && n2 < 1e250)) return round_svd(x, trunc, true);
  if (d < 2) {
    detail::spread_exponent(res.cores, exponent);
    detail::set_errors(res, 0.0, res.norm, exponent);
    return res;
  }
  const double delta2 = trunc.rtol * trunc.rtol * res.norm * res.norm / double(d - 1);
  double err2 = 0.0;
  std::vector<real_t<T>> wl, wr, s;
  std::vector<T> gl, m, u, vt, left, right;
  for (size_t k = 0; k + 1 < d; ++k) {
    Core<T>& xk = c[k];
    Core<T>& nx = c[k + 1];
    const index_t r = xk.r1, rows = xk.r0 * xk.n;
    // Left Gram: cores left of k are orthonormal, so it is X_k^H X_k.
    gl.assign(r * r, T(0));
    lapack::gemm(Op::C, Op::N, r, r, rows, T(1), xk.data.data(), r, xk.data.data(), r, T(0),
                 gl.data(), r);
    std::vector<T> vl = hermitian_colmajor(gl), vr = hermitian_colmajor(gr[k]);
    const index_t fl = psd_factor(vl, r, wl), fr = psd_factor(vr, r, wr);
    const index_t kl = r - fl, kr = r - fr;
    if (kl == 0 || kr == 0) return round_svd(x, trunc);  // a zero train
    // M = diag(sqrt wl) VL^H VR diag(sqrt wr), column-major (kl x kr).
    m.assign(kl * kr, T(0));
    for (index_t j = 0; j < kr; ++j)
      for (index_t i = 0; i < kl; ++i) {
        T acc(0);
        const T* a = &vl[(fl + i) * r];
        const T* b = &vr[(fr + j) * r];
        for (index_t t = 0; t < r; ++t) acc += lorank::conj(a[t]) * b[t];
        m[i + j * kl] = acc * T(std::sqrt(double(wl[fl + i])) * std::sqrt(double(wr[fr + j])));
      }
    const index_t p = std::min(kl, kr);
    u.resize(kl * p);
    vt.resize(p * kr);
    s.resize(p);
    lapack::svd(kl, kr, m.data(), kl, u.data(), s.data(), vt.data());
    const index_t rank =
        detail::truncation_rank(s.data(), p, delta2, detail::bond_cap(trunc, k), err2);
    // left = VL diag(wl^-1/2) U_rank (r x rank), stored row-major (r x rank).
    left.assign(r * rank, T(0));
    for (index_t a = 0; a < r; ++a)
      for (index_t j = 0; j < rank; ++j) {
        T acc(0);
        for (index_t i = 0; i < kl; ++i)
          acc += vl[a + (fl + i) * r] * u[i + j * kl] / T(std::sqrt(double(wl[fl + i])));
        left[a * rank + j] = acc;
      }
    // right = diag(s) W^H diag(wr^-1/2) VR^H (rank x r), row-major.
    right.assign(rank * r, T(0));
    for (index_t j = 0; j < rank; ++j)
      for (index_t b = 0; b < r; ++b) {
        T acc(0);
        for (index_t i = 0; i < kr; ++i)
          acc += vt[j + i * p] * lorank::conj(vr[b + (fr + i) * r]) /
                 T(std::sqrt(double(wr[fr + i])));
        right[j * r + b] = acc * T(s[j]);
      }
    Core<T> nk(xk.r0, xk.n, rank, uninitialized);
    lapack::gemm(Op::N, Op::N, rows, rank, r, T(1), xk.data.data(), r, left.data(), rank, T(0),
                 nk.data.data(), rank);
    const index_t cols = nx.n * nx.r1;
    Core<T> nn(rank, nx.n, nx.r1, uninitialized);
    lapack::gemm(Op::N, Op::N, rank, cols, r, T(1), right.data(), r, nx.data.data(), cols, T(0),
                 nn.data.data(), cols);
    xk = std::move(nk);
    nx = std::move(nn);
  }
  detail::spread_exponent(res.cores, exponent);
  detail::set_errors(res, std::sqrt(err2), res.norm, exponent);
  return res;
}

}  // namespace

template <class T>
Rounded<T> round(const TrainView<T>& x, const Truncation& trunc, RoundMethod method,
                 std::uint64_t seed, index_t oversample) {
  check_train(x, "round");
  LORANK_CHECK(trunc.rtol >= 0.0 && trunc.rtol < 1.0, Error, "round: rtol must be in [0, 1), got ",
               trunc.rtol);
  if (method == RoundMethod::Randomized)
    return detail::round_randomized(std::vector<TrainView<T>>{x}, trunc, seed, oversample);
  if (method != RoundMethod::Gram) return round_svd(x, trunc, method == RoundMethod::OrthGram);
  // The two-sided Gram sweep goes left to right: on the mirrored train it truncates in the
  // same order as round_svd.
  const Train<T> m = detail::mirror(x);
  Rounded<T> res = round_gram(views(m), detail::mirror(trunc, x.size()));
  res.cores = detail::mirror(res.cores);
  return res;
}

template <class T>
Rounded<T> round_sum(const std::vector<TrainView<T>>& terms, const Truncation& trunc,
                     RoundMethod method, std::uint64_t seed, index_t oversample) {
  LORANK_CHECK(!terms.empty(), ShapeError, "round_sum: needs at least one term, got 0");
  for (const auto& t : terms) check_train(t, "round_sum");
  LORANK_CHECK(trunc.rtol >= 0.0 && trunc.rtol < 1.0, Error,
               "round_sum: rtol must be in [0, 1), got ", trunc.rtol);
  if (method == RoundMethod::Randomized)
    return detail::round_randomized(terms, trunc, seed, oversample);
  const Train<T> sum = detail::add_trains(terms);
  return round(views(sum), trunc, method, seed, oversample);
}

template <class T>
Rounded<T> round_product(const TrainView<T>& a, const std::vector<index_t>& m,
                         const std::vector<index_t>& n, const TrainView<T>& b,
                         const std::vector<index_t>& q, const Truncation& trunc,
                         RoundMethod method, std::uint64_t seed, index_t oversample) {
  detail::check_matmul(a, m, n, b, q);
  LORANK_CHECK(trunc.rtol >= 0.0 && trunc.rtol < 1.0, Error,
               "TTMatrix.apply: rtol must be in [0, 1), got ", trunc.rtol);
  // In balanced units where cores are far from 1 (their product could overflow); the
  // powers of two go back into the result.
  Train<T> as, bs;
  const auto [av, ea] = detail::balanced(a, as);
  const auto [bv, eb] = detail::balanced(b, bs);
  Rounded<T> res;
  if (method != RoundMethod::Svd && method != RoundMethod::OrthGram) {
    const Train<T> product = detail::product_train(av, bv, m, n, q);
    res = round(views(product), trunc, method, seed, oversample);
  } else {
    const detail::BackwardCores<T> source = [&](size_t j, const T* rt, index_t rank) {
      return detail::product_times_rt_backwards(av[j], bv[j], m[j], n[j], q[j], rt, rank);
    };
    const Core<T> first = detail::product_core(av[0], bv[0], m[0], n[0], q[0]);
    res = round_backwards(detail::mirror_core(first.view()), av.size(), source, trunc,
                          method == RoundMethod::OrthGram);
  }
  if (ea + eb != 0) {
    detail::spread_exponent(res.cores, ea + eb);
    res.error = detail::times_pow2(res.error, ea + eb);
    res.norm = detail::times_pow2(res.norm, ea + eb);
  }
  return res;
}

#define LORANK_INSTANTIATE(T)                                                              \
  template Rounded<T> round_product<T>(const TrainView<T>&, const std::vector<index_t>&,  \
                                       const std::vector<index_t>&, const TrainView<T>&,  \
                                       const std::vector<index_t>&, const Truncation&,    \
                                       RoundMethod, std::uint64_t, index_t);              \
  template Rounded<T> round<T>(const TrainView<T>&, const Truncation&, RoundMethod,       \
                               std::uint64_t, index_t);                                   \
  template Rounded<T> round_sum<T>(const std::vector<TrainView<T>>&, const Truncation&,   \
                                   RoundMethod, std::uint64_t, index_t);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
