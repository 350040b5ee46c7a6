// SPDX-License-Identifier: MIT
#pragma once
/// \file One projector-splitting (KSL) step of the rank-one Kronecker approximation
/// F ~ L (x) R of an exponentially averaged empirical Fisher
/// F_t = beta F_{t-1} + (1 - beta) vec(G) vec(G)^T, in the Van Loan rearrangement where
/// kron(G, G) applied to vec(R) is vec(G R G^T). The fused factor update of DyKAF.
#include "lorank/core/types.hpp"

namespace lorank::dlr {

/// In place, for row-major G (m x n), L (m x m) and R (n x n, unit Frobenius norm):
///   K  = beta L + w G R G^T,  Lh = K / ||K||,  s = ||K|| - w <Lh, G R G^T>,
///   R' = s R + w G^T Lh G,    L <- Lh ||R'||,  R <- R' / ||R'||,      w = 1 - beta.
/// `work` holds m*n + m*m + n*n entries. A zero K or R' leaves L and R unchanged.
/// O(m n (m + n)) (four GEMMs).
template <class T>
void kron_ksl_update(index_t m, index_t n, const T* g, T* left, T* right, T beta, T* work);

/// The fixed-rank basis-update-and-Galerkin step (Ceruti, Lubich, "An unconventional robust
/// integrator for dynamical low-rank approximation", BIT 62, 2022) of the same rank-one
/// approximation: the factor update of DyKAF's public code. With p = beta ||L|| ||R||,
/// Lh = L / ||L||, Rh = R / ||R|| and w = 1 - beta:
///   U = K / ||K||, K = p Lh + w G Rh G^T;   V = M / ||M||, M = p Rh + w G^T Lh G;
///   S = p <Lh, U> <Rh, V> + w <U G, G V>;   L <- S U,  R <- V.
/// K and M both start from the old factors (no backward S-step). `work` holds
/// 2 m*n + m*m + n*n entries; zero or non-finite intermediate norms, or S <= 0, leave L and
/// R unchanged. O(m n (m + n)) (six GEMMs).
template <class T>
void kron_bug_update(index_t m, index_t n, const T* g, T* left, T* right, T beta, T* work);

}  // namespace lorank::dlr
