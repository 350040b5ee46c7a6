// SPDX-License-Identifier: MIT
#pragma once
/// \file Maximum-volume row selection, the pivoting of cross approximation.
///
/// References: S. A. Goreinov, I. V. Oseledets, D. V. Savostyanov, E. E. Tyrtyshnikov,
/// N. L. Zamarashkin, "How to find a good submatrix", in Matrix Methods: Theory, Algorithms
/// and Applications, World Scientific, 2010 (maxvol); A. Mikhalev, I. V. Oseledets,
/// "Rectangular maximum-volume submatrices and their applications", Linear Algebra Appl.
/// 538 (2018) 187-211 (rect_maxvol).
#include <vector>

#include "lorank/core/types.hpp"

namespace lorank::cross {

/// Rows chosen from a tall matrix A (n x r, row-major) and the coefficients C (n x k,
/// row-major) with A = C A[rows] (exactly for maxvol, where C = A inv(A[rows]); for
/// rect_maxvol C = A pinv(A[rows])). C[rows] is the identity (maxvol) or has rows of norm
/// at most the tolerance outside `rows`.
template <class T>
struct Maxvol {
  std::vector<index_t> rows;
  std::vector<T> coef;
  index_t n_iter = 0;  ///< row swaps (maxvol) or rows added (rect_maxvol)
};

/// Square maxvol: r rows of A (n x r, n >= r, full column rank) whose r x r submatrix has
/// locally maximal |det|: every entry of C = A inv(A[rows]) is at most `tol` (>= 1) in
/// modulus when it returns before `maxiter` swaps. Starts from the pivots of Gaussian
/// elimination with partial pivoting (O(n r^2)); each swap is a rank-1 update of C (O(n r)).
/// With `start` (r distinct rows whose submatrix is well conditioned) the swaps start from
/// those rows instead, so a good previous choice is kept. Throws RankError when A is
/// numerically rank deficient.
template <class T>
Maxvol<T> maxvol(const T* a, index_t n, index_t r, double tol, index_t maxiter,
                 const std::vector<index_t>& start = {});

/// Rectangular maxvol: starting from square maxvol, adds rows greedily (the row of C with
/// the largest norm) until every row of C = A pinv(A[rows]) has norm at most `tol`, or
/// `max_rows` rows are chosen; at least `min_rows`. Each added row is a rank-1 update of C
/// and of the row norms (O(n k)). `maxvol_iter` caps the swaps of the square start. With
/// `start` (distinct rows, e.g. a previous choice), the square part starts from the r of
/// them that maxvol picks, and the others are added first (up to max_rows), so a stable
/// choice stays stable; the greedy additions follow.
template <class T>
Maxvol<T> rect_maxvol(const T* a, index_t n, index_t r, double tol, index_t min_rows,
                      index_t max_rows, index_t maxvol_iter,
                      const std::vector<index_t>& start = {});

/// C = A inv(A[rows]) for A (n x r, row-major) and r distinct rows, by Gaussian elimination
/// with partial pivoting of A[rows]^T (O(r^3 + n r^2)); false, leaving c unspecified, when
/// A[rows] is numerically singular.
template <class T>
bool interpolation_coefficients(const T* a, index_t n, index_t r,
                                const std::vector<index_t>& rows, std::vector<T>& c);

}  // namespace lorank::cross
