// SPDX-License-Identifier: MIT
#pragma once
/// \file TT algorithms of the C++ core. All are thread-safe (no shared state), take views
/// of row-major cores and return owning trains. Complexities use d (cores), n (mode
/// size), r (rank). Reference for rounding and TT-SVD: I. V. Oseledets, "Tensor-train
/// decomposition", SIAM J. Sci. Comput. 33(5), 2011. Gram rounding: H. Al Daas, G. Ballard,
/// P. Benner, "Parallel algorithms for tensor train arithmetic", SISC 44(1), 2022.
/// Randomized rounding: H. Al Daas, G. Ballard, P. Cazeaux, E. Hallman, A. Miedlar,
/// M. Pasha, T. W. Reid, A. K. Saibaba, "Randomized algorithms for rounding in the
/// tensor-train format", SISC 45(1), 2023.
#include <cstdint>
#include <vector>

#include "lorank/tt/cores.hpp"

namespace lorank::tt {

enum class Side { Left, Right };

/// Orthogonalize: Side::Left makes cores 0..d-2 left-orthogonal (the last carries the
/// norm), Side::Right makes cores 1..d-1 right-orthogonal. Ranks may shrink to
/// min(r0*n, r1) / min(r0, n*r1). O(d n r^3).
template <class T>
Train<T> orthogonalize(const TrainView<T>& x, Side side);

/// Truncation request: relative Frobenius accuracy of the whole train and a per-bond cap
/// (max_rank.size() == d - 1; entries <= 0 mean "no cap").
struct Truncation {
  double rtol = 0.0;
  std::vector<index_t> max_rank;
};

/// Result of a rounding or TT-SVD: the cores, the Frobenius error made (from the discarded
/// singular values; exact for the SVD path), the norm of the input, and their ratio. The
/// roundings keep a running power-of-two scale, so trains whose norm lies outside the double
/// range round correctly; `error` and `norm` are then inf or 0, `rel_error` stays exact.
template <class T>
struct Rounded {
  Train<T> cores;
  double error = 0.0;
  double norm = 0.0;
  double rel_error = 0.0;
};

enum class RoundMethod { Svd, OrthGram, Gram, Randomized };

/// Round a train. Svd: right-to-left QR then left-to-right truncated SVD, O(d n r^3).
/// OrthGram: the same QR sweep, then each bond truncated through the eigendecomposition of
/// the r x r Gram matrix of its (tall) left unfolding where the request tolerates its
/// sqrt(eps) accuracy, through the SVD elsewhere (float64/complex128 only).
/// Gram: Gram matrices of both sides then truncated SVDs of their square-root
/// factors, O(d n r^3) with fewer flops, accuracy ~ sqrt(machine eps) relative to ||x||.
/// Randomized: randomize-then-orthogonalize sketch of rank max_rank + oversample followed by
/// an SVD rounding of the result; needs max_rank, costs O(d n r^2 l). `seed` drives it.
template <class T>
Rounded<T> round(const TrainView<T>& x, const Truncation& trunc, RoundMethod method,
                 std::uint64_t seed = 0, index_t oversample = 10);

/// Round the sum of `terms` (trains with equal mode sizes). Randomized sketches each term
/// separately, O(d n l sum_j r_j^2 + d n l^2 R) with R = sum_j r_j, never forming the
/// block-diagonal cores; the other methods round the explicit sum.
template <class T>
Rounded<T> round_sum(const std::vector<TrainView<T>>& terms, const Truncation& trunc,
                     RoundMethod method, std::uint64_t seed = 0, index_t oversample = 10);

/// TT-SVD of a dense row-major tensor with the given shape. O(n^d r) for the first step.
template <class T>
Rounded<T> tt_svd(const T* a, const std::vector<index_t>& shape, const Truncation& trunc);

/// <x, y> = sum conj(x) y, with a running scale. O(d n r^3).
template <class T>
Scaled<T> dot(const TrainView<T>& x, const TrainView<T>& y);

/// Sum of all entries, with a running scale. O(d n r^2).
template <class T>
Scaled<T> sum(const TrainView<T>& x);

/// Entries at a batch of multi-indices: idx is row-major (batch x d). O(batch d r^2).
template <class T>
std::vector<T> at(const TrainView<T>& x, const std::int64_t* idx, index_t batch);

/// TT-matrix times TT (q = 1) or TT-matrix (q = column mode of the right factor): the
/// matrix core k is (ra0, m_k, n_k, ra1) with mode size m_k*n_k in `a`; `b`'s core is
/// (rb0, n_k, q_k, rb1) with mode size n_k*q_k. Exact product, ranks multiply. O(d m n q r^2 R^2).
template <class T>
Train<T> matmul(const TrainView<T>& a, const std::vector<index_t>& m,
                const std::vector<index_t>& n, const TrainView<T>& b,
                const std::vector<index_t>& q);

/// round(matmul(a, m, n, b, q)) with the same result. Svd and OrthGram never form the
/// product: its orthogonalization sweep contracts each factor with the triangular factor
/// in turn, O(d r_a r_b R (n q r_b + m q r_a n)) instead of O(d m q r_a^2 r_b^2 R) (R the
/// product's rank, r_a r_b); the other methods round the explicit product.
template <class T>
Rounded<T> round_product(const TrainView<T>& a, const std::vector<index_t>& m,
                         const std::vector<index_t>& n, const TrainView<T>& b,
                         const std::vector<index_t>& q, const Truncation& trunc,
                         RoundMethod method, std::uint64_t seed = 0, index_t oversample = 10);

}  // namespace lorank::tt
