// SPDX-License-Identifier: MIT
#pragma once
/// \file Sampled kernels of the fixed-TT-rank manifold (python/lorank/manifold/
/// fixed_rank_tt.py): the tangent-space projection of a tensor given by values at N
/// multi-indices, the entries of a tangent vector and of the point at those multi-indices.
/// All run over the left interfaces L_k (products of the left-orthogonal cores before k)
/// and the right ones R_k (right-orthogonal cores after k) of each sample, O(N d r^2), real
/// double. A SampledFrame computes them once per point, so a solver step (residual,
/// gradient, line search) passes over the samples a few times instead of once per call.
#include <cstdint>
#include <vector>

#include "lorank/core/buffer.hpp"
#include "lorank/tt/cores.hpp"

namespace lorank::manifold {

/// The interfaces of a point (its left and right orthogonal forms) at N multi-indices.
class SampledFrame {
 public:
  /// `idx` is N x d row-major (copied); indices are checked (ShapeError).
  SampledFrame(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
               const std::int64_t* idx, index_t count);

  index_t count() const { return count_; }
  index_t order() const { return d_; }

  /// out[w] = X at sample w (the left form: L_{d-1}[w] C_d[:, w_d]).
  void entries(double* out) const;
  /// dC_k[a, i, b] = sum over samples w with w_k = i of values[w] L_k[w, a] R_k[w, b], for
  /// k = 0..d-1 (before the gauge projection): d cores shaped like the point's.
  tt::Train<double> project(const double* values) const;
  /// out[w] = sum_k L_k[w] dC_k[:, w_k, :] R_k[w] (entries of the tangent vector).
  void tangent(const tt::TrainView<double>& deltas, double* out) const;

 private:
  index_t d_ = 0, count_ = 0;
  std::vector<std::int64_t> idx_;
  std::vector<index_t> r0_, n_, r1_;
  std::vector<double> last_;  // the left form's last core C_d
  Buffer<double> data_;  // L_k then R_k blocks, each count x width, row-major
  std::vector<std::size_t> left_at_, right_at_;
};

/// One-shot forms (a frame built and used once).
tt::Train<double> tt_sampled_project(const tt::TrainView<double>& left,
                                     const tt::TrainView<double>& right,
                                     const std::int64_t* idx, index_t count,
                                     const double* values);
void tt_sampled_tangent(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                        const tt::TrainView<double>& deltas, const std::int64_t* idx,
                        index_t count, double* out);

}  // namespace lorank::manifold

namespace lorank::manifold {

/// Delta-cores (before the gauge) of the projection of the train z onto the tangent space
/// at the point with left-orthogonal cores `left` and right-orthogonal cores `right`:
/// dC_k = Phi_L[k] Z_k Phi_R[k]^T with Phi_L, Phi_R the interface matrices of the point
/// against z, by GEMMs, O(d n r s (r + s)) for ranks r of the point and s of z.
tt::Train<double> tt_project(const tt::TrainView<double>& left,
                             const tt::TrainView<double>& right,
                             const tt::TrainView<double>& z);

}  // namespace lorank::manifold
