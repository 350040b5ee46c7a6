// SPDX-License-Identifier: MIT
#include "lorank/manifold/tt_sampled.hpp"

#include <algorithm>

#include "lorank/core/error.hpp"

namespace lorank::manifold {
namespace {

// Interfaces of every sample: L_k (count x r_k of the left form, k = 0..d-1, L_0 = 1) and
// R_k (count x r_{k+1}, R_{d-1} = 1), each block row-major, stored back to back.
struct Interfaces {
  std::vector<double> data;
  std::vector<std::size_t> left_at, right_at;
  std::vector<index_t> left_width, right_width;
};

Interfaces interfaces(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                      const std::int64_t* idx, index_t count) {
  const index_t d = static_cast<index_t>(left.size());
  LORANK_CHECK(d >= 1 && static_cast<index_t>(right.size()) == d, ShapeError,
               "tt_sampled: the left and right forms need the same number of cores");
  for (index_t k = 0; k < d; ++k) {
    LORANK_CHECK(left[k].n == right[k].n && left[k].r0 == right[k].r0 &&
                     left[k].r1 == right[k].r1,
                 ShapeError, "tt_sampled: core ", k, " differs between the two forms");
    for (index_t w = 0; w < count; ++w)
      LORANK_CHECK(idx[w * d + k] >= 0 && idx[w * d + k] < left[k].n, ShapeError,
                   "tt_sampled: index ", idx[w * d + k], " of sample ", w, " outside mode ", k,
                   " of size ", left[k].n);
  }
  Interfaces f;
  std::size_t total = 0;
  for (index_t k = 0; k < d; ++k) {
    f.left_at.push_back(total);
    f.left_width.push_back(left[k].r0);
    total += static_cast<std::size_t>(count * left[k].r0);
    f.right_at.push_back(total);
    f.right_width.push_back(left[k].r1);
    total += static_cast<std::size_t>(count * left[k].r1);
  }
  f.data.assign(total, 0.0);
  double* l0 = f.data.data() + f.left_at[0];
  std::fill(l0, l0 + count, 1.0);
  for (index_t k = 0; k + 1 < d; ++k) {  // L_{k+1}[w] = L_k[w] U_k[:, w_k, :]
    const auto& u = left[k];
    const double* lk = f.data.data() + f.left_at[k];
    double* ln = f.data.data() + f.left_at[k + 1];
    for (index_t w = 0; w < count; ++w) {
      const std::int64_t i = idx[w * d + k];
      for (index_t a = 0; a < u.r0; ++a) {
        const double la = lk[w * u.r0 + a];
        const double* row = u.data + (a * u.n + i) * u.r1;
        for (index_t b = 0; b < u.r1; ++b) ln[w * u.r1 + b] += la * row[b];
      }
    }
  }
  double* rl = f.data.data() + f.right_at[d - 1];
  std::fill(rl, rl + count, 1.0);
  for (index_t k = d - 1; k >= 1; --k) {  // R_{k-1}[w] = V_k[:, w_k, :] R_k[w]
    const auto& v = right[k];
    const double* rk = f.data.data() + f.right_at[k];
    double* rp = f.data.data() + f.right_at[k - 1];
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
  return f;
}

}  // namespace

tt::Train<double> tt_sampled_project(const tt::TrainView<double>& left,
                                     const tt::TrainView<double>& right,
                                     const std::int64_t* idx, index_t count,
                                     const double* values) {
  const Interfaces f = interfaces(left, right, idx, count);
  const index_t d = static_cast<index_t>(left.size());
  tt::Train<double> out;
  for (index_t k = 0; k < d; ++k) {
    const auto& c = left[k];
    tt::Core<double> dc(c.r0, c.n, c.r1);
    const double* lk = f.data.data() + f.left_at[k];
    const double* rk = f.data.data() + f.right_at[k];
    for (index_t w = 0; w < count; ++w) {
      const std::int64_t i = idx[w * d + k];
      for (index_t a = 0; a < c.r0; ++a) {
        const double la = values[w] * lk[w * c.r0 + a];
        double* dst = dc.data.data() + (a * c.n + i) * c.r1;
        for (index_t b = 0; b < c.r1; ++b) dst[b] += la * rk[w * c.r1 + b];
      }
    }
    out.push_back(std::move(dc));
  }
  return out;
}

void tt_sampled_tangent(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                        const tt::TrainView<double>& deltas, const std::int64_t* idx,
                        index_t count, double* out) {
  const Interfaces f = interfaces(left, right, idx, count);
  const index_t d = static_cast<index_t>(left.size());
  LORANK_CHECK(static_cast<index_t>(deltas.size()) == d, ShapeError,
               "tt_sampled_tangent: need one delta-core per core");
  std::fill(out, out + count, 0.0);
  for (index_t k = 0; k < d; ++k) {
    const auto& c = deltas[k];
    LORANK_CHECK(c.r0 == left[k].r0 && c.n == left[k].n && c.r1 == left[k].r1, ShapeError,
                 "tt_sampled_tangent: delta-core ", k, " has the wrong shape");
    const double* lk = f.data.data() + f.left_at[k];
    const double* rk = f.data.data() + f.right_at[k];
    for (index_t w = 0; w < count; ++w) {
      const std::int64_t i = idx[w * d + k];
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

}  // namespace lorank::manifold
