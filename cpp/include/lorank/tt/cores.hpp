// SPDX-License-Identifier: MIT
#pragma once
/// \file TT cores: non-owning views for input, owning cores for output.
///
/// A core is row-major (r0, n, r1): element (a, i, b) sits at a*n*r1 + i*r1 + b.
/// TT-matrix cores (r0, m, n, r1) are stored the same way with mode size m*n.
#include <cstdint>
#include <vector>

#include "lorank/core/buffer.hpp"
#include "lorank/core/error.hpp"
#include "lorank/core/types.hpp"

namespace lorank::tt {

/// Read-only view of one contiguous row-major core (r0, n, r1).
template <class T>
struct CoreView {
  const T* data = nullptr;
  index_t r0 = 0, n = 0, r1 = 0;
};

/// Tag for a core whose entries the caller writes in full before reading any.
struct Uninitialized {};
inline constexpr Uninitialized uninitialized{};

/// Owning core (r0, n, r1), row-major; zero-filled unless constructed `uninitialized`.
template <class T>
struct Core {
  index_t r0 = 0, n = 0, r1 = 0;
  Buffer<T> data;
  Core() = default;
  Core(index_t r0_, index_t n_, index_t r1_)
      : r0(r0_), n(n_), r1(r1_), data(r0_ * n_ * r1_, T(0)) {}
  Core(index_t r0_, index_t n_, index_t r1_, Uninitialized)
      : r0(r0_), n(n_), r1(r1_), data(r0_ * n_ * r1_) {}
  CoreView<T> view() const { return {data.data(), r0, n, r1}; }
};

template <class T>
using Train = std::vector<Core<T>>;

template <class T>
using TrainView = std::vector<CoreView<T>>;

/// Views of an owning train.
template <class T>
TrainView<T> views(const Train<T>& cores) {
  TrainView<T> v;
  v.reserve(cores.size());
  for (const auto& c : cores) v.push_back(c.view());
  return v;
}

/// Throws ShapeError/RankError unless the cores form a valid train (boundary ranks 1,
/// neighbouring ranks equal, all sizes positive). `who` names the caller in messages.
template <class T>
void check_train(const TrainView<T>& x, const char* who) {
  LORANK_CHECK(!x.empty(), ShapeError, who, ": a TT needs at least one core, got 0");
  LORANK_CHECK(x.front().r0 == 1, RankError, who, ": first rank must be 1, got ", x.front().r0);
  LORANK_CHECK(x.back().r1 == 1, RankError, who, ": last rank must be 1, got ", x.back().r1);
  for (size_t k = 0; k < x.size(); ++k) {
    LORANK_CHECK(x[k].n > 0, ShapeError, who, ": mode size must be positive at mode ", k,
                 ", got ", x[k].n);
    LORANK_CHECK(x[k].r0 > 0 && x[k].r1 > 0, RankError, who, ": ranks must be positive at core ",
                 k, ", got (", x[k].r0, ", ", x[k].r1, ")");
    LORANK_CHECK(x[k].data != nullptr, ShapeError, who, ": core ", k, " has no data");
    if (k + 1 < x.size())
      LORANK_CHECK(x[k].r1 == x[k + 1].r0, RankError, who, ": ranks differ between cores ", k,
                   " and ", k + 1, ": ", x[k].r1, " vs ", x[k + 1].r0);
  }
}

/// A number m * exp(log_scale) kept apart so long trains neither underflow nor overflow.
template <class T>
struct Scaled {
  T mantissa{};
  double log_scale = 0.0;
  /// The scale as the exact power of two it is: log_scale = exponent * ln 2, and
  /// std::ldexp(mantissa, exponent) is the value without a rounded exp.
  std::int64_t exponent = 0;
};

}  // namespace lorank::tt
