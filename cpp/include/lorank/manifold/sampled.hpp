// SPDX-License-Identifier: MIT
#pragma once
/// \file Kernels of low-rank completion on a sampling pattern Omega = {(rows[k], cols[k])}:
/// entries of a factored matrix A B^T on Omega, and the products Z V, Z^T U of the sparse
/// matrix Z with given values on Omega. O(|Omega| r) each, no temporaries of size |Omega| r.
#include <cstdint>

#include "lorank/core/types.hpp"

namespace lorank::manifold {

/// out[k] = sum_j a[rows[k], j] * b[cols[k], j] for row-major a (m x r), b (n x r).
/// Indices are checked against m and n (ShapeError).
void sampled_entries(const std::int64_t* rows, const std::int64_t* cols, index_t count,
                     const double* a, index_t m, const double* b, index_t n, index_t r,
                     double* out);

/// zv = Z v (m x r) and ztu = Z^T u (n x r) for Z with values[k] at (rows[k], cols[k]);
/// v is n x r and u is m x r, all row-major. Repeated positions add up.
void sparse_products(const std::int64_t* rows, const std::int64_t* cols, const double* values,
                     index_t count, const double* v, const double* u, index_t m, index_t n,
                     index_t r, double* zv, double* ztu);

}  // namespace lorank::manifold
