// SPDX-License-Identifier: MIT
#pragma once
/// \file The fused DyKAF factor update on the GPU (the CPU kernel: lorank/dlr/kron_ksl.hpp):
/// one rank-one step of F ~ L (x) R towards beta F + (1 - beta) vec(G) vec(G)^T for `count`
/// same-shape parameters at once: each GEMM is one batched cuBLAS call over the group, each
/// reduction and elementwise pass one kernel launch over all of it. The zero/non-finite
/// guards of the CPU kernel are evaluated on the device, so no host synchronization occurs.
/// Row-major device pointers; shapes and pointers on the host; asynchronous on `stream`.
/// Plain C++ declarations (compile without CUDA).
#include <cstdint>
#include <vector>

namespace lorank::cuda {

/// Bytes of device scratch kron_update needs for `count` pairs of an m x n gradient with
/// elements of `elem_bytes` (4 or 8): per pair 2 m n + m^2 + n^2 elements, 8 scalars and
/// 7 pointers, plus alignment.
std::int64_t kron_update_workspace_bytes(std::int64_t count, std::int64_t m, std::int64_t n,
                                         std::int64_t elem_bytes);

/// In place, for each i < count: one projector-splitting step (galerkin=false: K, backward S,
/// L; lorank::dlr::kron_ksl_update) or basis-update-and-Galerkin step (galerkin=true;
/// lorank::dlr::kron_bug_update) of (L_i m x m, R_i n x n) for the gradient G_i (m x n).
/// Sums of squares and inner products accumulate in double. A zero or non-finite norm (or
/// S <= 0 in the Galerkin step) leaves that pair unchanged, as on the CPU.
/// O(m n (m + n)) per pair; 4 (KSL) or 6 (BUG) batched GEMMs and 3-4 kernels per call.
template <class T>
void kron_update(bool galerkin, std::int64_t count, std::int64_t m, std::int64_t n,
                 const std::vector<std::uintptr_t>& g, const std::vector<std::uintptr_t>& left,
                 const std::vector<std::uintptr_t>& right, double beta, void* work,
                 std::int64_t work_bytes, void* stream);

}  // namespace lorank::cuda
