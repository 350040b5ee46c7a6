// SPDX-License-Identifier: MIT
#include "lorank/manifold/tt_sampled.hpp"

#include <algorithm>

#include "lorank/core/error.hpp"

namespace lorank::manifold {

SampledFrame::SampledFrame(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                           const std::int64_t* idx, index_t count)
    : d_(static_cast<index_t>(left.size())), count_(count) {
  const index_t d = d_;
  LORANK_CHECK(d >= 1 && static_cast<index_t>(right.size()) == d, ShapeError,
               "tt_sampled: the left and right forms need the same number of cores");
  for (index_t k = 0; k < d; ++k) {
    LORANK_CHECK(left[k].n == right[k].n && left[k].r0 == right[k].r0 &&
                     left[k].r1 == right[k].r1,
                 ShapeError, "tt_sampled: core ", k, " differs between the two forms");
    r0_.push_back(left[k].r0);
    n_.push_back(left[k].n);
    r1_.push_back(left[k].r1);
  }
  for (index_t w = 0; w < count; ++w)  // sample by sample: the indices are read in order
    for (index_t k = 0; k < d; ++k)
      LORANK_CHECK(idx[w * d + k] >= 0 && idx[w * d + k] < n_[k], ShapeError,
                   "tt_sampled: index ", idx[w * d + k], " of sample ", w, " outside mode ", k,
                   " of size ", n_[k]);
  idx_.assign(idx, idx + count * d);
  const auto& c = left[d - 1];
  last_.assign(c.data, c.data + c.r0 * c.n * c.r1);
  std::size_t total = 0;
  for (index_t k = 0; k < d; ++k) {
    left_at_.push_back(total);
    total += static_cast<std::size_t>(count * r0_[k]);
    right_at_.push_back(total);
    total += static_cast<std::size_t>(count * r1_[k]);
  }
  data_ = Buffer<double>(total);  // not zeroed: every block is written before it is read
  double* l0 = data_.data() + left_at_[0];
  std::fill(l0, l0 + count, 1.0);
  for (index_t k = 0; k + 1 < d; ++k) {  // L_{k+1}[w] = L_k[w] U_k[:, w_k, :]
    const auto& u = left[k];
    const double* lk = data_.data() + left_at_[k];
    double* ln = data_.data() + left_at_[k + 1];
    for (index_t w = 0; w < count; ++w) {
      const std::int64_t i = idx[w * d + k];
      double* out = ln + w * u.r1;
      const double* row0 = u.data + i * u.r1;
      const double l0 = lk[w * u.r0];
      for (index_t b = 0; b < u.r1; ++b) out[b] = l0 * row0[b];
      for (index_t a = 1; a < u.r0; ++a) {
        const double la = lk[w * u.r0 + a];
        const double* row = u.data + (a * u.n + i) * u.r1;
        for (index_t b = 0; b < u.r1; ++b) out[b] += la * row[b];
      }
    }
  }
  double* rl = data_.data() + right_at_[d - 1];
  std::fill(rl, rl + count, 1.0);
  for (index_t k = d - 1; k >= 1; --k) {  // R_{k-1}[w] = V_k[:, w_k, :] R_k[w]
    const auto& v = right[k];
    const double* rk = data_.data() + right_at_[k];
    double* rp = data_.data() + right_at_[k - 1];
    for (index_t w = 0; w < count; ++w) {
      const std::int64_t i = idx[w * d + k];
      for (index_t a = 0; a < v.r0; ++a) {
        const double* row = v.data + (a * v.n + i) * v.r1;
        double acc = 0.0;
        for (index_t b = 0; b < v.r1; ++b) acc += row[b] * rk[w * v.r1 + b];
        rp[w * v.r0 + a] = acc;
      }
    }
  }
}

void SampledFrame::entries(double* out) const {
  const index_t k = d_ - 1, r0 = r0_[k], n = n_[k];
  const double* lk = data_.data() + left_at_[k];
  for (index_t w = 0; w < count_; ++w) {
    const std::int64_t i = idx_[static_cast<std::size_t>(w * d_ + k)];
    double acc = 0.0;
    for (index_t a = 0; a < r0; ++a) acc += lk[w * r0 + a] * last_[static_cast<std::size_t>(a * n + i)];
    out[w] = acc;
  }
}

tt::Train<double> SampledFrame::project(const double* values) const {
  tt::Train<double> out;
  for (index_t k = 0; k < d_; ++k) {
    const index_t r0 = r0_[k], n = n_[k], r1 = r1_[k];
    tt::Core<double> dc(r0, n, r1);
    const double* lk = data_.data() + left_at_[k];
    const double* rk = data_.data() + right_at_[k];
    for (index_t w = 0; w < count_; ++w) {
      const std::int64_t i = idx_[static_cast<std::size_t>(w * d_ + k)];
      for (index_t a = 0; a < r0; ++a) {
        const double la = values[w] * lk[w * r0 + a];
        double* dst = dc.data.data() + (a * n + i) * r1;
        for (index_t b = 0; b < r1; ++b) dst[b] += la * rk[w * r1 + b];
      }
    }
    out.push_back(std::move(dc));
  }
  return out;
}

void SampledFrame::tangent(const tt::TrainView<double>& deltas, double* out) const {
  LORANK_CHECK(static_cast<index_t>(deltas.size()) == d_, ShapeError,
               "tt_sampled_tangent: need one delta-core per core");
  std::fill(out, out + count_, 0.0);
  for (index_t k = 0; k < d_; ++k) {
    const auto& c = deltas[k];
    LORANK_CHECK(c.r0 == r0_[k] && c.n == n_[k] && c.r1 == r1_[k], ShapeError,
                 "tt_sampled_tangent: delta-core ", k, " has the wrong shape");
    const double* lk = data_.data() + left_at_[k];
    const double* rk = data_.data() + right_at_[k];
    for (index_t w = 0; w < count_; ++w) {
      const std::int64_t i = idx_[static_cast<std::size_t>(w * d_ + k)];
      double acc = 0.0;
      for (index_t a = 0; a < c.r0; ++a) {
        const double* row = c.data + (a * c.n + i) * c.r1;
        double inner = 0.0;
        for (index_t b = 0; b < c.r1; ++b) inner += row[b] * rk[w * c.r1 + b];
        acc += lk[w * c.r0 + a] * inner;
      }
      out[w] += acc;
    }
  }
}

tt::Train<double> tt_sampled_project(const tt::TrainView<double>& left,
                                     const tt::TrainView<double>& right,
                                     const std::int64_t* idx, index_t count,
                                     const double* values) {
  return SampledFrame(left, right, idx, count).project(values);
}

void tt_sampled_tangent(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                        const tt::TrainView<double>& deltas, const std::int64_t* idx,
                        index_t count, double* out) {
  SampledFrame(left, right, idx, count).tangent(deltas, out);
}

}  // namespace lorank::manifold
