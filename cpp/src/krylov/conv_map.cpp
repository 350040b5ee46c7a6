// SPDX-License-Identifier: MIT
// The convolution layer as a LinearMap for the compiled Lanczos loop (the twin of
// python/lorank/linalg/conv.py's Conv2dOperator).
#include <algorithm>

#include "lorank/core/error.hpp"
#include "lorank/core/lapack.hpp"
#include "lorank/krylov/lanczos.hpp"

namespace lorank::krylov {

using lapack::Op;

Conv2dMap::Conv2dMap(const double* kernel, index_t c_out, index_t c_in, index_t kh, index_t kw,
                     index_t h, index_t w, index_t sh, index_t sw, index_t ph, index_t pw,
                     bool circular)
    : c_out_(c_out), c_in_(c_in), kh_(kh), kw_(kw), h_(h), w_(w), sh_(sh), sw_(sw), ph_(ph),
      pw_(pw), hp_(h + 2 * ph), wp_(w + 2 * pw), circular_(circular) {
  LORANK_CHECK(c_out > 0 && c_in > 0 && kh > 0 && kw > 0 && h > 0 && w > 0 && sh > 0 && sw > 0 &&
                   ph >= 0 && pw >= 0,
               ShapeError, "Conv2dMap: sizes must be positive (pads nonnegative)");
  LORANK_CHECK(hp_ >= kh && wp_ >= kw, ShapeError, "Conv2dMap: the kernel does not fit the padded input");
  LORANK_CHECK(!circular || (ph <= h && pw <= w), ShapeError,
               "Conv2dMap: circular padding needs pad <= (H, W)");
  ho_ = (hp_ - kh) / sh + 1;
  wo_ = (wp_ - kw) / sw + 1;
  taps_.resize(static_cast<std::size_t>(kh * kw * c_out * c_in));
  for (index_t p = 0; p < kh; ++p)
    for (index_t q = 0; q < kw; ++q) {
      double* tap = taps_.data() + (p * kw + q) * c_out * c_in;
      for (index_t o = 0; o < c_out; ++o)
        for (index_t i = 0; i < c_in; ++i)
          tap[o * c_in + i] = kernel[((o * c_in + i) * kh + p) * kw + q];
    }
  padded_.resize(static_cast<std::size_t>(c_in * hp_ * wp_));
}

namespace {

// Source index along one axis of padded position a, or -1 for a zero.
index_t source(index_t a, index_t pad, index_t n, bool circular) {
  const index_t s = a - pad;
  if (circular) return ((s % n) + n) % n;
  return s >= 0 && s < n ? s : -1;
}

}  // namespace

void Conv2dMap::apply(const double* x, double* y) const {
  const index_t plane = hp_ * wp_;
  for (index_t c = 0; c < c_in_; ++c)
    for (index_t a = 0; a < hp_; ++a) {
      const index_t i = source(a, ph_, h_, circular_);
      double* row = padded_.data() + c * plane + a * wp_;
      for (index_t b = 0; b < wp_; ++b) {
        const index_t j = source(b, pw_, w_, circular_);
        row[b] = i >= 0 && j >= 0 ? x[(c * h_ + i) * w_ + j] : 0.0;
      }
    }
  if (sh_ == 1 && sw_ == 1) {
    // Output (o, i, j) sits at column t = i wp + j of a wide (c_out x span) block; tap
    // (p, q) reads the padded input shifted by p wp + q: one GEMM per tap, no copies.
    const index_t span = (ho_ - 1) * wp_ + wo_;
    work_.resize(static_cast<std::size_t>(c_out_ * span));
    for (index_t p = 0; p < kh_; ++p)
      for (index_t q = 0; q < kw_; ++q) {
        const double* tap = taps_.data() + (p * kw_ + q) * c_out_ * c_in_;
        lapack::gemm(Op::N, Op::N, c_out_, span, c_in_, 1.0, tap, c_in_,
                     padded_.data() + p * wp_ + q, plane, p + q == 0 ? 0.0 : 1.0, work_.data(),
                     span);
      }
    for (index_t o = 0; o < c_out_; ++o)
      for (index_t i = 0; i < ho_; ++i)
        std::copy_n(work_.data() + o * span + i * wp_, wo_, y + (o * ho_ + i) * wo_);
    return;
  }
  const index_t cols = ho_ * wo_;
  work_.resize(static_cast<std::size_t>(c_in_ * cols));
  for (index_t p = 0; p < kh_; ++p)
    for (index_t q = 0; q < kw_; ++q) {
      for (index_t c = 0; c < c_in_; ++c)  // gather the window of tap (p, q)
        for (index_t i = 0; i < ho_; ++i)
          for (index_t j = 0; j < wo_; ++j)
            work_[static_cast<std::size_t>(c * cols + i * wo_ + j)] =
                padded_[static_cast<std::size_t>(c * plane + (sh_ * i + p) * wp_ + sw_ * j + q)];
      const double* tap = taps_.data() + (p * kw_ + q) * c_out_ * c_in_;
      lapack::gemm(Op::N, Op::N, c_out_, cols, c_in_, 1.0, tap, c_in_, work_.data(), cols,
                   p + q == 0 ? 0.0 : 1.0, y, cols);
    }
}

void Conv2dMap::apply_adjoint(const double* y, double* x) const {
  const index_t plane = hp_ * wp_;
  std::fill(padded_.begin(), padded_.end(), 0.0);  // the gradient on the padded grid
  if (sh_ == 1 && sw_ == 1) {
    const index_t span = (ho_ - 1) * wp_ + wo_;
    work_.assign(static_cast<std::size_t>(c_out_ * span), 0.0);
    for (index_t o = 0; o < c_out_; ++o)
      for (index_t i = 0; i < ho_; ++i)
        std::copy_n(y + (o * ho_ + i) * wo_, wo_, work_.data() + o * span + i * wp_);
    for (index_t p = 0; p < kh_; ++p)
      for (index_t q = 0; q < kw_; ++q) {
        const double* tap = taps_.data() + (p * kw_ + q) * c_out_ * c_in_;
        lapack::gemm(Op::T, Op::N, c_in_, span, c_out_, 1.0, tap, c_in_, work_.data(), span, 1.0,
                     padded_.data() + p * wp_ + q, plane);
      }
  } else {
    const index_t cols = ho_ * wo_;
    work_.resize(static_cast<std::size_t>(c_in_ * cols));
    for (index_t p = 0; p < kh_; ++p)
      for (index_t q = 0; q < kw_; ++q) {
        const double* tap = taps_.data() + (p * kw_ + q) * c_out_ * c_in_;
        lapack::gemm(Op::T, Op::N, c_in_, cols, c_out_, 1.0, tap, c_in_, y, cols, 0.0,
                     work_.data(), cols);
        for (index_t c = 0; c < c_in_; ++c)  // scatter back onto the window of tap (p, q)
          for (index_t i = 0; i < ho_; ++i)
            for (index_t j = 0; j < wo_; ++j)
              padded_[static_cast<std::size_t>(c * plane + (sh_ * i + p) * wp_ + sw_ * j + q)] +=
                  work_[static_cast<std::size_t>(c * cols + i * wo_ + j)];
      }
  }
  std::fill(x, x + c_in_ * h_ * w_, 0.0);
  for (index_t c = 0; c < c_in_; ++c)  // the adjoint of the padding: sums onto the sources
    for (index_t a = 0; a < hp_; ++a) {
      const index_t i = source(a, ph_, h_, circular_);
      if (i < 0) continue;
      for (index_t b = 0; b < wp_; ++b) {
        const index_t j = source(b, pw_, w_, circular_);
        if (j >= 0) x[(c * h_ + i) * w_ + j] += padded_[static_cast<std::size_t>(c * plane + a * wp_ + b)];
      }
    }
}

}  // namespace lorank::krylov
