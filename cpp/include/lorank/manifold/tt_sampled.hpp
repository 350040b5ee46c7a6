// SPDX-License-Identifier: MIT
#pragma once
/// \file Sampled kernels of the fixed-TT-rank manifold (python/lorank/manifold/
/// fixed_rank_tt.py): the tangent-space projection of a tensor given by values at N
/// multi-indices, and the entries of a tangent vector at N multi-indices. Both run over the
/// left interfaces L_k (products of the left-orthogonal cores before k) and the right ones
/// R_k (right-orthogonal cores after k) of each sample: O(N d r^2), real double.
#include <vector>

#include "lorank/tt/cores.hpp"

namespace lorank::manifold {

/// dC_k[a, i, b] = sum over samples w with w_k = i of values[w] L_k[w, a] R_k[w, b], for
/// k = 0..d-1 (before the gauge projection). `idx` is N x d row-major. Returns d cores
/// shaped like `left`'s. Indices are checked (ShapeError).
tt::Train<double> tt_sampled_project(const tt::TrainView<double>& left,
                                     const tt::TrainView<double>& right,
                                     const std::int64_t* idx, index_t count,
                                     const double* values);

/// out[w] = sum_k L_k[w] dC_k[:, w_k, :] R_k[w] (entries of the tangent vector).
void tt_sampled_tangent(const tt::TrainView<double>& left, const tt::TrainView<double>& right,
                        const tt::TrainView<double>& deltas, const std::int64_t* idx,
                        index_t count, double* out);

}  // namespace lorank::manifold
