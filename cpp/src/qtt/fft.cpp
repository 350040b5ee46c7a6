// SPDX-License-Identifier: MIT
#include "lorank/qtt/fft.hpp"

#include <algorithm>
#include <cmath>
#include <utility>

#include "../tt/detail.hpp"

namespace lorank::qtt {
namespace {

constexpr double kPi = 3.14159265358979323846;

// Butterfly of stage 0: the digit j becomes m with weights (-1)^(j m), no twiddles.
template <class T>
void butterfly(tt::Core<T>& g) {
  const index_t r1 = g.r1;
  for (index_t a = 0; a < g.r0; ++a) {
    T* p0 = g.data.data() + a * 2 * r1;
    T* p1 = p0 + r1;
    for (index_t b = 0; b < r1; ++b) {
      const T u = p0[b], v = p1[b];
      p0[b] = u + v;
      p1[b] = u - v;
    }
  }
}

// Core c doubled along its bonds with a two-valued state a: state 0 copies c, state 1
// multiplies digit 1 by `phase`. The first core of the stage opens the state (left rank
// kept); the others are block diagonal.
template <class T>
tt::Core<T> doubled(const tt::Core<T>& c, T phase, bool opens) {
  const index_t r0 = c.r0, r1 = c.r1;
  tt::Core<T> out(opens ? r0 : 2 * r0, 2, 2 * r1);
  const index_t orow = 2 * r1;
  for (index_t a = 0; a < r0; ++a)
    for (index_t i = 0; i < 2; ++i) {
      const T* src = c.data.data() + (a * 2 + i) * r1;
      const T w = i == 1 ? phase : T(1);
      T* top = out.data.data() + (a * 2 + i) * orow;
      T* low = opens ? top + r1 : out.data.data() + ((r0 + a) * 2 + i) * orow + r1;
      for (index_t b = 0; b < r1; ++b) {
        top[b] = src[b];
        low[b] = w * src[b];
      }
    }
  return out;
}

// The core whose digit the stage sums out: state a selects digit j = a, output digit m
// gets (-1)^(a m).
template <class T>
tt::Core<T> closing(const tt::Core<T>& g) {
  const index_t r0 = g.r0, r1 = g.r1;
  tt::Core<T> out(2 * r0, 2, r1, tt::uninitialized);
  for (index_t state = 0; state < 2; ++state)
    for (index_t a = 0; a < r0; ++a) {
      const T* src = g.data.data() + (a * 2 + state) * r1;
      T* dst = out.data.data() + (state * r0 + a) * 2 * r1;
      for (index_t b = 0; b < r1; ++b) {
        dst[b] = src[b];
        dst[r1 + b] = state == 0 ? src[b] : -src[b];
      }
    }
  return out;
}

template <class T>
void stage(tt::Train<T>& cores, const std::vector<index_t>& digits, size_t t, double sign,
           std::vector<int>& level_at) {
  const index_t last = digits[t];
  if (t == 0) {
    butterfly(cores[last]);
    return;
  }
  for (size_t s = 0; s < t; ++s) level_at[digits[s]] = int(s);
  for (index_t p = digits[0]; p < last; ++p) {
    T phase(1);
    if (level_at[p] >= 0) {
      const double angle = sign * kPi * std::ldexp(1.0, level_at[p] - int(t));
      phase = T(static_cast<real_t<T>>(std::cos(angle)), static_cast<real_t<T>>(std::sin(angle)));
    }
    cores[p] = doubled(cores[p], phase, p == digits[0]);
  }
  for (size_t s = 0; s < t; ++s) level_at[digits[s]] = -1;
  cores[last] = closing(cores[last]);
}

// Round cores[0, end) as a train whose last core also carries the open bond (its r1 folded
// into the mode): with cores[end..] right-orthonormal this is the rounding of the whole
// train, and it leaves cores 1..end-1 right-orthonormal.
template <class T>
void round_window(tt::Train<T>& cores, size_t end, const tt::Truncation& trunc,
                  tt::RoundMethod method) {
  end = std::min(end, cores.size());
  tt::TrainView<T> window(end);
  for (size_t k = 0; k < end; ++k) window[k] = cores[k].view();
  const index_t n = window.back().n, open = window.back().r1;
  window.back().n = n * open;
  window.back().r1 = 1;
  tt::Truncation part{trunc.rtol, {}};
  if (!trunc.max_rank.empty())
    part.max_rank.assign(trunc.max_rank.begin(), trunc.max_rank.begin() + std::ptrdiff_t(end - 1));
  tt::Rounded<T> r = tt::round(window, part, method);
  for (size_t k = 0; k < end; ++k) cores[k] = std::move(r.cores[k]);
  cores[end - 1].n = n;
  cores[end - 1].r1 = open;
}

}  // namespace

template <class T>
tt::Train<T> fft(const tt::TrainView<T>& x, const std::vector<std::vector<index_t>>& axes,
                 double sign, const tt::Truncation& per_stage, tt::RoundMethod method) {
  tt::check_train(x, "qtt.fft");
  const index_t d = index_t(x.size());
  std::vector<int> seen(size_t(d), 0), level_at(size_t(d), -1);
  for (const auto& digits : axes)
    for (size_t t = 0; t < digits.size(); ++t) {
      const index_t p = digits[t];
      LORANK_CHECK(p >= 0 && p < d && !seen[size_t(p)] && (t == 0 || p > digits[t - 1]),
                   ShapeError, "qtt.fft: axis digit positions must be increasing and distinct in [0, ",
                   d, ")");
      LORANK_CHECK(x[size_t(p)].n == 2, ShapeError, "qtt.fft: mode ", p, " has size ",
                   x[size_t(p)].n, ", expected 2");
      seen[size_t(p)] = 1;
    }
  // Start right-orthonormal (an exact rounding), the invariant of round_window.
  tt::Train<T> cores = tt::round(x, tt::Truncation{0.0, {}}, method).cores;
  for (const auto& digits : axes)
    for (size_t t = 0; t < digits.size(); ++t) {
      stage(cores, digits, t, sign, level_at);
      round_window(cores, size_t(digits[t]) + 2, per_stage, method);
    }
  return tt::detail::mirror(cores);
}

template tt::Train<cfloat> fft(const tt::TrainView<cfloat>&, const std::vector<std::vector<index_t>>&,
                               double, const tt::Truncation&, tt::RoundMethod);
template tt::Train<cdouble> fft(const tt::TrainView<cdouble>&, const std::vector<std::vector<index_t>>&,
                                double, const tt::Truncation&, tt::RoundMethod);

}  // namespace lorank::qtt
