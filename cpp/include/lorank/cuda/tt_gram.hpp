// SPDX-License-Identifier: MIT
#pragma once
/// \file cuBLAS launchers of the bond-parallel Gram rounding (python/lorank/_reference/
/// tt_bondwise.py): the two Gram sweeps and the final per-core products, issued from C++ so
/// that each of the ~4d small GEMMs costs a cuBLAS launch, not a Python-level array call.
/// float64, row-major cores (r_{k-1}, n_k, r_k) given by device pointers, shapes on the host.
/// Everything is asynchronous on `stream`; plain C++ declarations (compile without CUDA).
#include <cstdint>
#include <vector>

namespace lorank::cuda {

/// Doubles of scratch the two launchers below need: max_k r_{k-1} n_k r_k.
std::int64_t gram_workspace_doubles(const std::vector<std::int64_t>& ranks,
                                    const std::vector<std::int64_t>& modes);

/// Zero-padded stacks (d-1, size, size), row-major, of the left Gram matrices
/// GL_k = X_{<=k}^T X_{<=k} and the right ones GR_k = X_{>k} X_{>k}^T of every bond k, and
/// ||x||^2 into `norm2` (one double). No running scale: the caller checks the range.
void gram_stacks_f64(const std::vector<std::uintptr_t>& cores,
                     const std::vector<std::int64_t>& ranks,
                     const std::vector<std::int64_t>& modes, double* gl, double* gr,
                     std::int64_t size, double* norm2, double* work, void* stream);

/// New cores out_k = B_{k-1} C_k A_k (B_{-1} = A_{d-1} = 1) of shapes
/// (new_ranks[k], n_k, new_ranks[k+1]): `a` is the stack (d-1, size, top) of A_k (r_k x
/// new rank, row-major, leading dimension top), `b` the stack (d-1, top, size) of B_k.
void bond_apply_f64(const std::vector<std::uintptr_t>& cores,
                    const std::vector<std::int64_t>& ranks,
                    const std::vector<std::int64_t>& modes,
                    const std::vector<std::uintptr_t>& out,
                    const std::vector<std::int64_t>& new_ranks, const double* a, const double* b,
                    std::int64_t size, std::int64_t top, double* work, void* stream);

/// <x, y> of two float64 trains of the same modes as out[0] * 2^out[1] (two device doubles):
/// the Gram recursion V <- X_k'^T (V Y_k) with V divided by the power of two of its largest
/// entry after each core (on the device, no host synchronization). `work` holds
/// 2 max_k(rx_k ry_k) + max_k(rx_{k-1} n_k ry_k) doubles (dot_workspace_doubles).
void dot_f64(const std::vector<std::uintptr_t>& x, const std::vector<std::int64_t>& x_ranks,
             const std::vector<std::uintptr_t>& y, const std::vector<std::int64_t>& y_ranks,
             const std::vector<std::int64_t>& modes, double* out, double* work, void* stream);

/// Doubles of scratch dot_f64 needs.
std::int64_t dot_workspace_doubles(const std::vector<std::int64_t>& x_ranks,
                                   const std::vector<std::int64_t>& y_ranks,
                                   const std::vector<std::int64_t>& modes);

}  // namespace lorank::cuda
