// SPDX-License-Identifier: MIT
// Randomized rounding of trains and of sums of trains, and the exact sum of trains.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <type_traits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt::detail {
namespace {

using lapack::Op;

// Standard normal numbers from xoshiro256+ uniforms by the Box-Muller transform (both
// outputs used): several times faster than std::normal_distribution over mt19937_64,
// which dominated the sketch's cost.
class GaussianStream {
 public:
  explicit GaussianStream(std::uint64_t seed) {
    for (auto& w : s_) {  // splitmix64 seeding
      seed += 0x9E3779B97F4A7C15ULL;
      std::uint64_t z = seed;
      z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
      z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
      w = z ^ (z >> 31);
    }
  }
  double next() {
    if (has_spare_) {
      has_spare_ = false;
      return spare_;
    }
    const double u1 = uniform_open(), u2 = uniform_open();
    const double rad = std::sqrt(-2.0 * std::log(u1)), ang = 6.283185307179586 * u2;
    spare_ = rad * std::sin(ang);
    has_spare_ = true;
    return rad * std::cos(ang);
  }
  template <class T>
  T sample() {
    if constexpr (is_complex_v<T>) {
      const double re = next(), im = next();
      return T(real_t<T>(re), real_t<T>(im));
    } else {
      return T(next());
    }
  }

 private:
  static std::uint64_t rotl(std::uint64_t x, int k) { return (x << k) | (x >> (64 - k)); }
  double uniform_open() {  // in (0, 1)
    const std::uint64_t r = s_[0] + s_[3], t = s_[1] << 17;
    s_[2] ^= s_[0];
    s_[3] ^= s_[1];
    s_[1] ^= s_[2];
    s_[0] ^= s_[3];
    s_[2] ^= t;
    s_[3] = rotl(s_[3], 45);
    return (double(r >> 11) + 0.5) * 0x1.0p-53;
  }
  std::uint64_t s_[4];
  double spare_ = 0.0;
  bool has_spare_ = false;
};

// Right partial contractions of each term with the random train: w[j][k] (r1_k x l_{k+1}),
// row-major, w[j][d-1] = 1 and w[j][k-1] = X^j_k w[j][k] R_k^H. Stacked over j they sketch
// the sum, so every step is rescaled by one power of two common to all terms (only the
// range matters; long trains would overflow otherwise).
template <class T>
std::vector<std::vector<std::vector<T>>> sketch_right(const std::vector<TrainView<T>>& terms,
                                                      const Train<T>& rnd) {
  const size_t d = rnd.size();
  std::vector<std::vector<std::vector<T>>> w(terms.size(), std::vector<std::vector<T>>(d));
  for (auto& wj : w) wj[d - 1] = {T(1)};
  std::vector<T> tmp;
  for (size_t k = d - 1; k >= 1; --k) {
    const Core<T>& rk = rnd[k];
    double mx = 0.0;
    for (size_t j = 0; j < terms.size(); ++j) {
      const CoreView<T>& xk = terms[j][k];
      tmp.resize(xk.r0 * xk.n * rk.r1);
      lapack::gemm(Op::N, Op::N, xk.r0 * xk.n, rk.r1, xk.r1, T(1), xk.data, xk.r1,
                   w[j][k].data(), rk.r1, T(0), tmp.data(), rk.r1);
      auto& out = w[j][k - 1];
      out.assign(xk.r0 * rk.r0, T(0));
      lapack::gemm(Op::N, Op::C, xk.r0, rk.r0, xk.n * rk.r1, T(1), tmp.data(), xk.n * rk.r1,
                   rk.data.data(), rk.n * rk.r1, T(0), out.data(), rk.r0);
      mx = std::max(mx, double(lapack::max_abs(index_t(out.size()), out.data())));
    }
    const int e = pow2_exponent(mx);
    if (e != 0)
      for (auto& wj : w) scale_pow2(index_t(wj[k - 1].size()), wj[k - 1].data(), -e);
  }
  return w;
}

// Re <a, b> / (2^shift2 * scale2): the power of two applied exactly (no rounded exp of a
// large log), so dots of long trains keep their full relative accuracy.
template <class T>
double real_dot(const TrainView<T>& a, const TrainView<T>& b, std::int64_t shift2,
                double scale2) {
  const auto s = dot(a, b);
  if (s.mantissa == T(0)) return 0.0;
  return times_pow2(double(std::real(s.mantissa)), s.exponent - shift2) / scale2;
}

// Throws ShapeError unless all terms have the first term's mode sizes.
template <class T>
void check_same_modes(const std::vector<TrainView<T>>& terms) {
  const size_t d = terms.front().size();
  for (const auto& t : terms) {
    LORANK_CHECK(t.size() == d, ShapeError, "round_sum: numbers of modes differ: ", d, " vs ",
                 t.size());
    for (size_t k = 0; k < d; ++k)
      LORANK_CHECK(t[k].n == terms.front()[k].n, ShapeError,
                   "round_sum: mode sizes differ at mode ", k, ": ", terms.front()[k].n, " vs ",
                   t[k].n);
  }
}

}  // namespace

template <class T>
Train<T> add_trains(const std::vector<TrainView<T>>& terms) {
  check_same_modes(terms);
  const size_t d = terms.front().size();
  Train<T> out;
  for (size_t k = 0; k < d; ++k) {
    const index_t n = terms.front()[k].n;
    index_t r0 = 0, r1 = 0;
    for (const auto& t : terms) {
      r0 += t[k].r0;
      r1 += t[k].r1;
    }
    if (k == 0) r0 = 1;
    if (k == d - 1) r1 = 1;
    Core<T> c(r0, n, r1);
    index_t o0 = 0, o1 = 0;  // block offsets
    for (const auto& t : terms) {
      const CoreView<T>& v = t[k];
      for (index_t a = 0; a < v.r0; ++a)
        for (index_t i = 0; i < n; ++i)
          for (index_t b = 0; b < v.r1; ++b)
            c.data[((o0 + a) * n + i) * r1 + o1 + b] += v.data[(a * n + i) * v.r1 + b];
      if (k != 0) o0 += v.r0;
      if (k != d - 1) o1 += v.r1;
    }
    out.push_back(std::move(c));
  }
  return out;
}

namespace {

// One randomize-then-orthogonalize pass with sketch ranks l (length d + 1), then the exact
// truncation of the left-orthogonal sketch under `trunc`; rsum are the ranks of the sum.
template <class T>
Rounded<T> sketch_round(const std::vector<TrainView<T>>& terms, const Truncation& trunc,
                        const std::vector<index_t>& l, const std::vector<index_t>& rsum,
                        std::uint64_t seed) {
  const size_t d = terms.front().size();
  GaussianStream gen(seed);
  Train<T> rnd;
  for (size_t k = 0; k < d; ++k) {
    Core<T> rc(l[k], terms.front()[k].n, l[k + 1]);
    const real_t<T> sc = real_t<T>(1.0 / std::sqrt(double(l[k + 1])));
    for (auto& v : rc.data) v = gen.sample<T>() * sc;
    rnd.push_back(std::move(rc));
  }
  // Sketch each term on its own; stacked, they sketch the sum (its cores are block-diagonal).
  const auto w = sketch_right(terms, rnd);

  // cur: the current core of the sum, left-multiplied by what the sweep carried so far,
  // (a, n, R) row-major. It starts as the first cores of the terms side by side.
  const index_t n0 = terms.front()[0].n;
  Core<T> cur(1, n0, rsum[1]);
  {
    index_t off = 0;
    for (const auto& t : terms) {
      for (index_t i = 0; i < n0; ++i)
        std::copy(t[0].data + i * t[0].r1, t[0].data + (i + 1) * t[0].r1,
                  cur.data.begin() + i * rsum[1] + off);
      off += t[0].r1;
    }
  }
  Train<T> y;
  std::vector<T> z, zr, r, ws, mm;
  std::int64_t exponent = normalize_pow2(index_t(cur.data.size()), cur.data.data());
  for (size_t k = 0; k + 1 < d; ++k) {
    const index_t rows = cur.r0 * cur.n, lk = l[k + 1], big = cur.r1;
    // Z = H(cur) W_k with W_k the terms' sketches stacked (big x lk).
    ws.resize(big * lk);
    index_t off = 0;
    for (size_t j = 0; j < terms.size(); ++j) {
      std::copy(w[j][k].begin(), w[j][k].end(), ws.begin() + off * lk);
      off += terms[j][k].r1;
    }
    zr.resize(rows * lk);
    lapack::gemm(Op::N, Op::N, rows, lk, big, T(1), cur.data.data(), big, ws.data(), lk, T(0),
                 zr.data(), lk);
    z.resize(rows * lk);
    for (index_t i = 0; i < rows; ++i)
      for (index_t j = 0; j < lk; ++j) z[i + j * rows] = zr[i * lk + j];
    const index_t p = std::min(rows, lk);
    r.assign(p * lk, T(0));
    lapack::qr(rows, lk, z.data(), rows, r.data());
    Core<T> q(cur.r0, cur.n, p);
    for (index_t i = 0; i < rows; ++i)
      for (index_t j = 0; j < p; ++j) q.data[i * p + j] = z[i + j * rows];
    // M = Q^H H(cur) (p x big); the next core of the sum, block by block: M_j X^j_{k+1}.
    mm.resize(p * big);
    lapack::gemm(Op::C, Op::N, p, big, rows, T(1), q.data.data(), p, cur.data.data(), big,
                 T(0), mm.data(), big);
    exponent += normalize_pow2(p * big, mm.data());
    const index_t n1 = terms.front()[k + 1].n;
    const bool last = k + 2 == d;
    Core<T> next(p, n1, last ? 1 : rsum[k + 2]);
    index_t in_off = 0, out_off = 0;
    for (const auto& t : terms) {
      const CoreView<T>& x1 = t[k + 1];
      // Columns out_off.. of next (row stride next.r1) receive M[:, in_off..] X^j (p x n*r1).
      if (last) {
        lapack::gemm(Op::N, Op::N, p, n1, x1.r0, T(1), mm.data() + in_off, big, x1.data, n1,
                     T(1), next.data.data(), n1);
      } else {
        std::vector<T> blk(p * n1 * x1.r1);
        lapack::gemm(Op::N, Op::N, p, n1 * x1.r1, x1.r0, T(1), mm.data() + in_off, big,
                     x1.data, n1 * x1.r1, T(0), blk.data(), n1 * x1.r1);
        for (index_t a = 0; a < p; ++a)
          for (index_t i = 0; i < n1; ++i)
            std::copy(blk.begin() + (a * n1 + i) * x1.r1, blk.begin() + (a * n1 + i + 1) * x1.r1,
                      next.data.begin() + (a * n1 + i) * next.r1 + out_off);
      }
      in_off += x1.r0;
      out_off += x1.r1;
    }
    // The next core carries the scale of the term cores: keep it near 1 too (a core of
    // 1e300 would overflow the Gram matrices of the truncation).
    exponent += normalize_pow2(index_t(next.data.size()), next.data.data());
    y.push_back(std::move(q));
    cur = std::move(next);
  }
  y.push_back(std::move(cur));
  // y (times 2^exponent) is left-orthogonal: truncate it right to left, as the mirrored
  // train (right-orthogonal) left to right, in scaled units.
  Rounded<T> res;
  res.cores = mirror(y);
  const Truncation mirrored = mirror(trunc, y.size());
  const auto& first = res.cores.front();
  const double ny = frobenius(first.data.data(), index_t(first.data.size()));
  const double err_trunc = truncate_left_to_right(res.cores, mirrored, ny,
                                                  std::is_same_v<real_t<T>, double>);
  res.cores = mirror(res.cores);
  spread_exponent(res.cores, exponent);
  // The sketch's own error, measured against the sum: ||x - y||^2 / ||x||^2 =
  // 1 - 2 Re<x,y>/||x||^2 + ||y||^2/||x||^2 (accurate to about sqrt(eps)), with every dot
  // divided by a common scale so long trains cannot overflow.
  if (ny == 0.0) {  // a zero sketch (of a zero sum, with probability one): nothing kept
    double xx = 0.0;
    for (size_t i = 0; i < terms.size(); ++i)
      for (size_t j = 0; j < terms.size(); ++j) xx += real_dot(terms[i], terms[j], 0, 1.0);
    const double nx = std::sqrt(std::max(xx, 0.0));
    set_errors(res, nx, nx, 0);
    return res;
  }
  // Every dot in units of ||y||^2 = (ny 2^exponent)^2.
  const std::int64_t shift2 = 2 * exponent;
  const double ny2 = ny * ny;
  double xx = 0.0, xy = 0.0;
  for (size_t i = 0; i < terms.size(); ++i)
    for (size_t j = 0; j < terms.size(); ++j) xx += real_dot(terms[i], terms[j], shift2, ny2);
  const TrainView<T> yv = views(res.cores);
  for (const auto& t : terms) xy += real_dot(t, yv, shift2, ny2);
  const double yy = std::max(real_dot(yv, yv, shift2, ny2), 0.0);
  xx = std::max(xx, 0.0);
  const double rel2 = xx > 0.0 ? std::max(1.0 - (2.0 * xy - yy) / xx, 0.0) : 0.0;
  const double norm_scaled = std::sqrt(xx) * ny;  // ||x|| in units of 2^exponent
  const double err_scaled = std::max(err_trunc, std::sqrt(rel2) * norm_scaled);
  set_errors(res, err_scaled, norm_scaled, exponent);
  return res;
}

}  // namespace

template <class T>
Rounded<T> round_randomized(const std::vector<TrainView<T>>& terms, const Truncation& trunc,
                            std::uint64_t seed, index_t oversample) {
  check_same_modes(terms);
  const size_t d = terms.front().size();
  if (d < 2) {
    const Train<T> sum = add_trains(terms);
    return round(views(sum), trunc, RoundMethod::Svd);
  }
  LORANK_CHECK(oversample >= 0, RankError, "round: oversample must be >= 0, got ", oversample);
  // Sketch ranks: cap + oversample on capped bonds; bonds without a cap start at
  // oversample + 10 and double until the measured error meets rtol (adaptive mode).
  std::vector<index_t> l(d + 1, 1), rsum(d + 1, 1);
  bool adaptive = false;
  for (size_t k = 0; k + 1 < d; ++k) {
    const index_t cap = bond_cap(trunc, k);
    rsum[k + 1] = 0;
    for (const auto& t : terms) rsum[k + 1] += t[k].r1;
    adaptive = adaptive || cap <= 0;
    l[k + 1] = std::min(cap > 0 ? cap + oversample : oversample + 10, rsum[k + 1]);
  }
  if (!adaptive) return sketch_round(terms, trunc, l, rsum, seed);
  const double floor = 100.0 * std::sqrt(double(std::numeric_limits<real_t<T>>::epsilon()));
  LORANK_CHECK(trunc.rtol >= floor, Error,
               "round: method='randomized' without max_rank needs rtol >= ", floor,
               " (its error check is accurate to about sqrt(eps)), got ", trunc.rtol);
  // Half the budget for the sketch, half for the truncation of the sketch.
  Truncation inner = trunc;
  inner.rtol = trunc.rtol / std::sqrt(2.0);
  for (;;) {
    Rounded<T> res = sketch_round(terms, inner, l, rsum, seed);
    bool grown = false;
    for (size_t k = 0; k + 1 < d; ++k)
      if (bond_cap(trunc, k) <= 0 && l[k + 1] < rsum[k + 1]) {
        l[k + 1] = std::min(2 * l[k + 1], rsum[k + 1]);
        grown = true;
      }
    if (res.rel_error <= trunc.rtol || !grown) return res;
    seed = seed * 6364136223846793005ULL + 1442695040888963407ULL;  // a fresh sketch
  }
}

#define LORANK_INSTANTIATE(T)                                                                 \
  template Train<T> add_trains<T>(const std::vector<TrainView<T>>&);                         \
  template Rounded<T> round_randomized<T>(const std::vector<TrainView<T>>&, const Truncation&, \
                                          std::uint64_t, index_t);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt::detail
