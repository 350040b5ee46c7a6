// SPDX-License-Identifier: MIT
#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <limits>
#include <type_traits>

#include "detail.hpp"
#include "lorank/core/lapack.hpp"

namespace lorank::tt {
namespace detail {

using lapack::Op;

// Thin QR of a column-major (m x n) block into Q (in place) and R (rank x n): CholeskyQR2
// where it certifies (well-conditioned blocks), else Householder QR, or with `reveal_rank`
// pivoted QR that drops rows of R at rounding-noise level (a backward error like the QR's
// own), so redundant sums shrink early. After two CholeskyQR2 failures in a row (rank-
// deficient cores, as in sums of trains) a sweep stops trying it.
class Orthonormalizer {
 public:
  explicit Orthonormalizer(bool reveal_rank, bool single_pass = false)
      : reveal_rank_(reveal_rank), single_pass_(single_pass) {}

  /// Returns the rank; r is column-major (rank x n); adds the squared norm dropped,
  /// relative to the block's, to rel_dropped2. With `lazy`, the triangular solves are left
  /// undone: Q = a * inv(*lazy), where `a` holds Q1 of a CholeskyQR2 or, in single-pass
  /// mode for a well-conditioned block, a itself; `lazy` is left empty when `a` holds Q.
  template <class T>
  index_t operator()(index_t m, index_t n, T* a, std::vector<T>& r, double& rel_dropped2,
                     std::vector<T>* lazy = nullptr) {
    if (lazy != nullptr) lazy->clear();
    if (single_pass_ && lazy != nullptr && failures_ < 2 && m >= n) {
      r.assign(n * n, T(0));
      if (lapack::cholesky_r(m, n, a, m, r.data()) >= kMinRcond) {
        *lazy = r;
        return n;
      }
    }
    if (failures_ < 2 && m >= n) {
      r.assign(n * n, T(0));
      if (lazy != nullptr) lazy->resize(n * n);
      if (lapack::cholesky_qr2(m, n, a, m, r.data(), lazy ? lazy->data() : nullptr)) {
        failures_ = 0;
        return n;
      }
      if (lazy != nullptr) lazy->clear();
      ++failures_;
    }
    if (reveal_rank_) {
      const double norm_a = frobenius(a, m * n);
      const double tol =
          10.0 * std::sqrt(double(m) * double(n)) * std::numeric_limits<real_t<T>>::epsilon();
      double dropped = 0.0;
      const index_t rank = lapack::qr_pivoted(m, n, a, m, tol * norm_a, perm_, r, dropped);
      if (norm_a > 0.0) rel_dropped2 += (dropped / norm_a) * (dropped / norm_a);
      // Undo the pivoting: column j of R belongs to original column perm_[j].
      std::vector<T> unpivoted(rank * n);
      for (index_t j = 0; j < n; ++j)
        std::copy(r.begin() + j * rank, r.begin() + (j + 1) * rank,
                  unpivoted.begin() + perm_[j] * rank);
      r.swap(unpivoted);
      return rank;
    }
    const index_t p = std::min(m, n);
    r.assign(p * n, T(0));
    lapack::qr(m, n, a, m, r.data());
    return p;
  }

 private:
  // cond_1(R) <= 1e4: Q = A inv(R) is orthonormal to about eps cond^2 <= 1e8 eps, the
  // sqrt(eps) level the Gram path works at anyway, without a second pass.
  static constexpr double kMinRcond = 1e-4;
  bool reveal_rank_, single_pass_;
  int failures_ = 0;
  std::vector<index_t> perm_;
};

namespace {

// Rows a0..a1 of a core whose nonzeros all lie in columns b0..b1 (over every mode index).
struct RowBlock {
  index_t a0, a1, b0, b1;
};

// Nonzero as a bit pattern: every entry's bits but the sign bit(s) ORed into `acc`, so a
// pass over a row vectorizes (no branch per entry) and -0.0 counts as zero.
template <class T>
void or_magnitude_bits(const T* p, index_t n, std::uint64_t* acc) {
  constexpr int words = int(sizeof(T) / sizeof(real_t<T>));
  using Bits = std::conditional_t<sizeof(real_t<T>) == 8, std::uint64_t, std::uint32_t>;
  constexpr Bits magnitude = Bits(~Bits(0)) >> 1;
  const auto* r = reinterpret_cast<const real_t<T>*>(p);
  for (index_t b = 0; b < n; ++b) {
    std::uint64_t any = 0;
    for (int w = 0; w < words; ++w) {
      Bits bits;
      std::memcpy(&bits, r + b * words + w, sizeof(Bits));
      any |= bits & magnitude;
    }
    acc[b] |= any;
  }
}

// The core's rows grouped into runs that share the column range of their nonzeros: one run
// for a dense core (rows whose slices all start and end with a nonzero are settled after
// reading those entries), one per term for the block-diagonal cores of a sum of trains.
template <class T>
std::vector<RowBlock> row_blocks(const CoreView<T>& v) {
  std::vector<RowBlock> out;
  const index_t row = v.n * v.r1;
  std::vector<std::uint64_t> acc(v.r1);
  for (index_t a = 0; a < v.r0; ++a) {
    const T* p = v.data + a * row;
    bool dense = true;
    for (index_t i = 0; i < v.n && dense; ++i)
      dense = p[i * v.r1] != T(0) && p[i * v.r1 + v.r1 - 1] != T(0);
    index_t lo = 0, hi = v.r1;
    if (!dense) {
      std::fill(acc.begin(), acc.end(), 0);
      for (index_t i = 0; i < v.n; ++i) or_magnitude_bits(p + i * v.r1, v.r1, acc.data());
      while (lo < v.r1 && acc[lo] == 0) ++lo;
      while (hi > lo && acc[hi - 1] == 0) --hi;
      if (lo == v.r1) hi = 0;  // an all-zero row: an empty range
    }
    if (!out.empty() && out.back().a1 == a && out.back().b0 == lo && out.back().b1 == hi)
      out.back().a1 = a + 1;
    else
      out.push_back({a, a + 1, lo, hi});
  }
  return out;
}

}  // namespace

// Slice i of the result is v's slice i (r0 x r1, row stride n*r1) transposed, times R^T.
template <class T>
Core<T> times_rt_backwards(const CoreView<T>& v, const T* rt, index_t rank) {
  const std::vector<RowBlock> blocks = row_blocks(v);
  index_t work = 0;
  for (const RowBlock& b : blocks) work += (b.a1 - b.a0) * std::max<index_t>(b.b1 - b.b0, 0);
  const index_t ld_v = v.n * v.r1, ld_out = v.n * rank;
  if (blocks.size() > 1 && 2 * work <= v.r0 * v.r1) {
    // Column ranges that tile 0..r1 (a block-diagonal core) write every output row once;
    // otherwise the blocks add into zeros.
    bool tiles = true;
    index_t next = 0;
    for (const RowBlock& b : blocks) {
      tiles = tiles && b.b0 == next && b.b1 > b.b0;
      next = b.b1;
    }
    tiles = tiles && next == v.r1;
    Core<T> out = tiles ? Core<T>(v.r1, v.n, rank, uninitialized) : Core<T>(v.r1, v.n, rank);
    // Output rows c*n + i (c in b0..b1, every i) are contiguous: one GEMM per block over
    // its entries gathered in that order, rather than one small GEMM per block and slice.
    Buffer<T> packed;
    for (const RowBlock& b : blocks) {
      const index_t rows = b.a1 - b.a0, cols = b.b1 - b.b0;
      if (cols <= 0) continue;
      packed.resize(cols * v.n * rows);
      for (index_t a = 0; a < rows; ++a)
        for (index_t i = 0; i < v.n; ++i) {
          const T* src = v.data + (b.a0 + a) * ld_v + i * v.r1 + b.b0;
          for (index_t c = 0; c < cols; ++c) packed[(c * v.n + i) * rows + a] = src[c];
        }
      lapack::gemm(Op::N, Op::N, cols * v.n, rank, rows, T(1), packed.data(), rows,
                   rt + b.a0 * rank, rank, tiles ? T(0) : T(1),
                   out.data.data() + b.b0 * v.n * rank, rank);
    }
    return out;
  }
  Core<T> out(v.r1, v.n, rank, uninitialized);
  for (index_t i = 0; i < v.n; ++i)
    lapack::gemm(Op::T, Op::N, v.r1, rank, v.r0, T(1), v.data + i * v.r1, ld_v, rt, rank, T(0),
                 out.data.data() + i * rank, ld_out);
  return out;
}

template <class T>
int normalize_pow2(index_t n, T* data) {
  const int e = pow2_exponent(double(lapack::max_abs(n, data)));
  if (e != 0) scale_pow2(n, data, -e);
  return e;
}

template <class T>
void spread_exponent(Train<T>& x, std::int64_t exponent) {
  const auto d = std::int64_t(x.size());
  // exponent = q * d + rem with 0 <= rem < d: rem cores get q + 1, the others q.
  std::int64_t q = exponent / d, rem = exponent % d;
  if (rem < 0) {
    rem += d;
    --q;
  }
  for (std::int64_t k = 0; k < d; ++k) {
    const std::int64_t e = q + (k < rem ? 1 : 0);
    if (e != 0) scale_pow2(index_t(x[k].data.size()), x[k].data.data(), e);
  }
}

template <class T>
OrthScale right_orthogonalize(Train<T>& x, bool reveal_rank, LazyFactors<T>* lazy,
                              const BackwardCores<T>* backwards, bool single_pass) {
  std::vector<T> r;
  Orthonormalizer qr(reveal_rank, single_pass);
  OrthScale out;
  if (lazy != nullptr) lazy->assign(x.size(), {});
  for (size_t k = x.size() - 1; k >= 1; --k) {
    Core<T>& c = x[k];
    // Row-major (r0, n*r1) is column-major A = (n*r1 x r0); A = Q R gives core = Q^T.
    const index_t m = c.n * c.r1, old_r0 = c.r0;
    const index_t rank =
        qr(m, old_r0, c.data.data(), r, out.rel_dropped2, lazy ? &(*lazy)[k] : nullptr);
    // R ~ 2^e R': the power of two leaves the train, so magnitudes stay near 1.
    out.exponent += normalize_pow2(rank * old_r0, r.data());
    c.data.resize(rank * m);
    c.r0 = rank;
    // Previous core (r0p*n, old_r0) times R^T; R (rank x old_r0, column-major) is row-major
    // R^T (old_r0 x rank).
    Core<T>& prev = x[k - 1];
    if (backwards != nullptr) {
      prev = (*backwards)(x.size() - k, r.data(), rank);  // source core d-k read backwards
      continue;
    }
    Core<T> next(prev.r0, prev.n, rank, uninitialized);
    lapack::gemm(Op::N, Op::N, prev.r0 * prev.n, rank, old_r0, T(1), prev.data.data(), old_r0,
                 r.data(), rank, T(0), next.data.data(), rank);
    prev = std::move(next);
  }
  // The first core now carries the norm: keep it near 1 too.
  out.exponent += normalize_pow2(index_t(x[0].data.size()), x[0].data.data());
  return out;
}

template <class T>
void left_orthogonalize(Train<T>& x) {
  std::vector<T> a, r;
  std::int64_t exponent = 0;
  Orthonormalizer qr(false);
  double unused = 0.0;  // no rank revealing here
  for (size_t k = 0; k + 1 < x.size(); ++k) {
    Core<T>& c = x[k];
    const index_t m = c.r0 * c.n;
    // Column-major copy of the left unfolding L (m x r1), then L = Q R.
    a.resize(m * c.r1);
    for (index_t i = 0; i < m; ++i)
      for (index_t j = 0; j < c.r1; ++j) a[i + j * m] = c.data[i * c.r1 + j];
    const index_t old_r1 = c.r1;
    const index_t p = qr(m, old_r1, a.data(), r, unused);
    // R ~ 2^e R': the power of two waits for the last core, so magnitudes stay near 1 (a
    // core of 1e200 pushed into another of 1e200 would overflow).
    exponent += normalize_pow2(index_t(r.size()), r.data());
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
  // The last core carries the norm: the powers of two taken out go back into it.
  if (!x.empty()) scale_pow2(index_t(x.back().data.size()), x.back().data.data(), exponent);
}

}  // namespace detail

template <class T>
Train<T> orthogonalize(const TrainView<T>& x, Side side) {
  check_train(x, "orthogonalize");
  Train<T> out = detail::copy_train(x);
  if (side == Side::Right) {
    // The power of two taken out along the way goes back into the first core.
    const std::int64_t e = detail::right_orthogonalize(out).exponent;
    detail::scale_pow2(index_t(out[0].data.size()), out[0].data.data(), e);
  } else {
    detail::left_orthogonalize(out);
  }
  return out;
}

#define LORANK_INSTANTIATE(T)                                                   \
  template Train<T> orthogonalize<T>(const TrainView<T>&, Side);               \
  template detail::OrthScale detail::right_orthogonalize<T>(                                    \
      Train<T>&, bool, detail::LazyFactors<T>*, const detail::BackwardCores<T>*, bool);         \
  template Core<T> detail::times_rt_backwards<T>(const CoreView<T>&, const T*, index_t);       \
  template void detail::spread_exponent<T>(Train<T>&, std::int64_t);                       \
  template int detail::normalize_pow2<T>(index_t, T*);                      \
  template void detail::left_orthogonalize<T>(Train<T>&);
LORANK_INSTANTIATE(float)
LORANK_INSTANTIATE(double)
LORANK_INSTANTIATE(cfloat)
LORANK_INSTANTIATE(cdouble)

}  // namespace lorank::tt
