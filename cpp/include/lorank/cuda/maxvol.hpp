// SPDX-License-Identifier: MIT
#pragma once
/// \file CUDA launcher for square maxvol (the C++ lorank::cross::maxvol on the GPU). Plain
/// C++ declarations on raw device pointers and a stream handle: compiles without CUDA.
#include <cstdint>

namespace lorank::cuda {

/// Square maxvol of a float64 row-major (n x r) device matrix `a`, n >= r, r <= 1024: one
/// thread block runs Gaussian elimination with partial pivoting for the starting rows, then
/// swaps rows while some |C_ij| > tol (at most maxiter times), C = A inv(A[rows]) kept by
/// rank-1 updates. Outputs (device): `rows` (r int64), `coef` (n x r), `work` scratch of
/// n*r doubles plus n+1 int64 (see maxvol_workspace_bytes), `status` (one int64: the swaps
/// made, or -1 - j when column j was found dependent). Asynchronous on `stream`.
void maxvol_f64(const double* a, std::int64_t n, std::int64_t r, double tol,
                std::int64_t maxiter, std::int64_t* rows, double* coef, void* work,
                std::int64_t* status, void* stream);

/// Bytes of the `work` buffer maxvol_f64 needs.
std::int64_t maxvol_workspace_bytes(std::int64_t n, std::int64_t r);

}  // namespace lorank::cuda
