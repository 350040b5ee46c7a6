// SPDX-License-Identifier: MIT
#pragma once
// Private helpers shared by the TT algorithms.
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <functional>
#include <limits>
#include <utility>
#include <vector>

#include "lorank/core/lapack.hpp"
#include "lorank/tt/algorithms.hpp"

namespace lorank::tt::detail {

/// Smallest rank whose discarded tail of `s` (descending) has squared norm <= delta2,
/// capped by `cap` (<= 0: no cap), at least 1. Adds the discarded squares to `err2`.
template <class R>
index_t truncation_rank(const R* s, index_t p, double delta2, index_t cap, double& err2) {
  index_t rank = p;
  double tail = 0.0;
  while (rank > 1) {
    const double next = tail + double(s[rank - 1]) * double(s[rank - 1]);
    if (next > delta2) break;
    tail = next;
    --rank;
  }
  if (cap > 0 && rank > cap) rank = cap;
  for (index_t j = rank; j < p; ++j) err2 += double(s[j]) * double(s[j]);
  return rank;
}

inline index_t bond_cap(const Truncation& t, size_t k) {
  return k < t.max_rank.size() ? t.max_rank[k] : 0;
}

template <class T>
Core<T> copy_core(const CoreView<T>& v) {
  Core<T> c(v.r0, v.n, v.r1, uninitialized);
  std::copy(v.data, v.data + v.r0 * v.n * v.r1, c.data.begin());
  return c;
}

/// One core read backwards: (r0, n, r1) transposed to (r1, n, r0).
template <class T>
Core<T> mirror_core(const CoreView<T>& v) {
  Core<T> c(v.r1, v.n, v.r0, uninitialized);
  // Slice i is an (r0 x r1) block with row stride n*r1, transposed into one with row
  // stride n*r0: 4x4 blocks through registers (a plain strided loop is 2-3x slower).
  const index_t sld = v.n * v.r1, dld = v.n * v.r0, a4 = v.r0 / 4 * 4, b4 = v.r1 / 4 * 4;
  for (index_t i = 0; i < v.n; ++i) {
    const T* s = v.data + i * v.r1;
    T* t = c.data.data() + i * v.r0;
    for (index_t a = 0; a < a4; a += 4)
      for (index_t b = 0; b < b4; b += 4) {
        T blk[4][4];
        for (int p = 0; p < 4; ++p)
          for (int q = 0; q < 4; ++q) blk[p][q] = s[(a + p) * sld + b + q];
        for (int q = 0; q < 4; ++q)
          for (int p = 0; p < 4; ++p) t[(b + q) * dld + a + p] = blk[p][q];
      }
    for (index_t a = 0; a < v.r0; ++a)  // the edges
      for (index_t b = (a < a4 ? b4 : 0); b < v.r1; ++b) t[b * dld + a] = s[a * sld + b];
  }
  return c;
}

/// The train read backwards: cores reversed, each transposed by mirror_core. Left-orthogonal
/// cores become right-orthogonal ones.
template <class T>
Train<T> mirror(const TrainView<T>& x) {
  Train<T> out;
  out.reserve(x.size());
  for (auto it = x.rbegin(); it != x.rend(); ++it) out.push_back(mirror_core(*it));
  return out;
}

template <class T>
Train<T> mirror(const Train<T>& x) {
  return mirror(views(x));
}

/// The per-bond caps of the mirrored train.
inline Truncation mirror(const Truncation& t, size_t d) {
  Truncation m{t.rtol, {}};
  if (d < 2 || t.max_rank.empty()) return m;
  m.max_rank.resize(d - 1);
  for (size_t k = 0; k + 1 < d; ++k) m.max_rank[k] = bond_cap(t, d - 2 - k);
  return m;
}

template <class T>
Train<T> copy_train(const TrainView<T>& x) {
  Train<T> out;
  out.reserve(x.size());
  for (const auto& v : x) out.push_back(copy_core(v));
  return out;
}

template <class T>
double frobenius(const T* a, index_t size) {
  // Scaled sum of squares: no overflow for entries near the type's limits.
  double scale = 0.0, ssq = 1.0;
  for (index_t i = 0; i < size; ++i) {
    const double v = std::abs(a[i]);
    if (v == 0.0) continue;
    if (scale < v) {
      ssq = 1.0 + ssq * (scale / v) * (scale / v);
      scale = v;
    } else {
      ssq += (v / scale) * (v / scale);
    }
  }
  return scale * std::sqrt(ssq);
}

/// What right_orthogonalize removed: the train equals the result times 2^exponent;
/// rel_dropped2 sums the squared norms dropped by rank revealing, each relative to the
/// block it was dropped from (a backward error at rounding-noise level).
struct OrthScale {
  double rel_dropped2 = 0.0;
  std::int64_t exponent = 0;
};

/// Per core, an upper-triangular factor (column-major) whose inverse the core still needs:
/// the orthonormal core is inv(factor)^T times the stored one; empty where nothing is
/// pending.
template <class T>
using LazyFactors = std::vector<std::vector<T>>;

/// In place: make cores k = last..1 right-orthogonal, pushing the factors leftward, each R
/// factor scaled by a power of two to keep magnitudes near 1 (long trains neither overflow
/// nor underflow). With `reveal_rank`, rank-deficient cores go through pivoted QR and lose
/// the rows of R at rounding-noise level. With `lazy`, the triangular solves that make Q
/// are left to the truncation sweep, which applies them to the small factor entering each
/// core: CholeskyQR2 records its R2, and with `single_pass` a core whose Cholesky factor R
/// has cond_1(R) <= 1e4 (LAPACK's estimate) keeps A itself and R (CholeskyQR's one Gram
/// matrix and Cholesky factor, no solve at all). Q = A inv(R) is then orthonormal to about
/// eps cond(R)^2 <= 1e8 eps ~ sqrt(eps); such a defect of the right part scales the
/// singular values of each later bond by 1 +- sqrt(eps) (a relative change, unlike the
/// absolute sqrt(eps) sigma_1 of the Gram path), so truncation and error estimate stay
/// accurate to that relative level.
/// With `backwards`, x is the mirror of a source train with only its last core filled in
/// (mirror_core of the source's first core): each other core is formed when the sweep
/// reaches it, as (*backwards)(j, R^T, rank) = source core j read backwards times R^T, so
/// the train is never copied whole (and a structured source is never formed at all).
template <class T>
using BackwardCores = std::function<Core<T>(size_t j, const T* rt, index_t rank)>;

template <class T>
OrthScale right_orthogonalize(Train<T>& x, bool reveal_rank = false,
                              LazyFactors<T>* lazy = nullptr,
                              const BackwardCores<T>* backwards = nullptr,
                              bool single_pass = false);

/// Core v (r0, n, r1) read backwards times R^T: the (r1, n, rank) core whose slice i is
/// v's slice i transposed times rt (r0 x rank, row-major). Zero blocks of v (sums of
/// trains) are skipped when that saves at least half the work.
template <class T>
Core<T> times_rt_backwards(const CoreView<T>& v, const T* rt, index_t rank);

/// In place: each core divided by the power of two nearest its largest entry (exact).
/// Returns the total exponent taken out.
template <class T>
std::int64_t balance(Train<T>& x);

/// `x`, or where some core lies beyond 2^+-(max_exponent / 2.5) (so a product of two cores
/// could leave the range: 2^+-409 in double) a balanced copy of it in `storage`. Returns
/// the view and the total exponent taken out.
template <class T>
std::pair<TrainView<T>, std::int64_t> balanced(const TrainView<T>& x, Train<T>& storage);

/// The cores of the product of a TT-matrix (cores (ra0, m*n, ra1)) and a train of cores
/// (rb0, n*q, rb1), as they come: no balancing.
template <class T>
Train<T> product_train(const TrainView<T>& a, const TrainView<T>& b,
                       const std::vector<index_t>& m, const std::vector<index_t>& n,
                       const std::vector<index_t>& q);

/// The shape checks of matmul (ShapeError naming the mode).
template <class T>
void check_matmul(const TrainView<T>& a, const std::vector<index_t>& m,
                  const std::vector<index_t>& n, const TrainView<T>& b,
                  const std::vector<index_t>& q);

/// One core of the product of a TT-matrix core a (ra0, m*n, ra1) and a core b
/// (rb0, n*q, rb1): (ra0*rb0, m*q, ra1*rb1).
template <class T>
Core<T> product_core(const CoreView<T>& a, const CoreView<T>& b, index_t m, index_t n,
                     index_t q);

/// times_rt_backwards of product_core(a, b, m, n, q) without forming it: contract R^T
/// with b, then with a, O(ra0 n q rb1 rb0 rank + ra1 ra0 n m q rb1 rank) instead of
/// O(ra0 rb0 m q ra1 rb1 rank).
template <class T>
Core<T> product_times_rt_backwards(const CoreView<T>& a, const CoreView<T>& b, index_t m,
                                   index_t n, index_t q, const T* rt, index_t rank);

/// Scale the cores by 2^exponent in total, spread evenly (exact powers of two).
template <class T>
void spread_exponent(Train<T>& x, std::int64_t exponent);

/// The exponent e of 2^e, the power of two just above mx (frexp); 0 for a zero or
/// non-finite mx. Dividing by 2^e brings mx into [1/2, 1) exactly.
inline int pow2_exponent(double mx) {
  int e = 0;
  if (mx > 0.0 && std::isfinite(mx)) std::frexp(mx, &e);
  return e;
}

/// x <- x * 2^e for n entries, exactly, in steps the scalar type can hold (2^126 for
/// float, whose exponents run out long before a train's scale does).
template <class T>
void scale_pow2(index_t n, T* x, std::int64_t e) {
  constexpr int kStep = std::numeric_limits<real_t<T>>::max_exponent - 2;
  while (e != 0) {
    const int step = int(std::max<std::int64_t>(-kStep, std::min<std::int64_t>(kStep, e)));
    lapack::scale(n, real_t<T>(std::ldexp(1.0, step)), x);
    e -= step;
  }
}

/// Divide the entries by the power of two nearest their largest magnitude; returns it.
template <class T>
int normalize_pow2(index_t n, T* data);

/// The running scale of a chain of products (dot, entries): once v's largest magnitude mx
/// has drifted beyond 2^+-32, v is divided by the power of two just above it (exact) and
/// that exponent added to `exponent`, so the next products cannot overflow or underflow.
template <class T>
void rescale_drifted(index_t n, T* v, double mx, std::int64_t& exponent) {
  const int e = pow2_exponent(mx);
  if (e > 32 || e < -32) {
    scale_pow2(n, v, -e);
    exponent += e;
  }
}

/// a * 2^e without spurious overflow or underflow (inf or 0 when out of range).
inline double times_pow2(double a, std::int64_t e) {
  const std::int64_t clamped = std::max<std::int64_t>(-100000, std::min<std::int64_t>(100000, e));
  return std::ldexp(a, int(clamped));
}

/// Fill rel_error, then error and norm in true units, from values in units of 2^exponent.
template <class T>
void set_errors(Rounded<T>& r, double err_scaled, double norm_scaled, std::int64_t exponent) {
  r.rel_error = norm_scaled > 0.0 ? err_scaled / norm_scaled : 0.0;
  r.error = times_pow2(err_scaled, exponent);
  r.norm = times_pow2(norm_scaled, exponent);
}

/// In place: make cores 0..d-2 left-orthogonal, pushing the factors rightward.
template <class T>
void left_orthogonalize(Train<T>& x);

/// In place: truncate a right-orthogonal train (up to the `lazy` factors of
/// right_orthogonalize) by a left-to-right sweep. Each bond uses an
/// SVD of its left unfolding, or with `allow_gram` the cheaper Gram eigendecomposition
/// where that is accurate enough for the request (see gram_bond). Returns the error made.
template <class T>
double truncate_left_to_right(Train<T>& x, const Truncation& trunc, double norm,
                              bool allow_gram, const LazyFactors<T>* lazy = nullptr);

/// The exact sum of trains with equal mode sizes (block-diagonal cores, ranks add).
template <class T>
Train<T> add_trains(const std::vector<TrainView<T>>& terms);

/// Randomize-then-orthogonalize rounding of a sum of trains (one term: a plain train),
/// sketching each term separately so the block structure of the sum is never formed
/// (Al Daas et al. 2023, Alg. 3.2 and Sec. 4 on sums), then an exact truncation of the
/// left-orthogonal sketch. Needs max_rank on every bond.
template <class T>
Rounded<T> round_randomized(const std::vector<TrainView<T>>& terms, const Truncation& trunc,
                            std::uint64_t seed, index_t oversample);

}  // namespace lorank::tt::detail
