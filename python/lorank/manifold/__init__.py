# SPDX-License-Identifier: MIT
"""Riemannian geometry and optimization on low-rank manifolds: the fixed-rank matrix and
fixed-TT-rank manifolds (points and tangent vectors in factored form) and low-rank matrix
and tensor completion by Riemannian conjugate gradients."""

from __future__ import annotations

from lorank.manifold._results import IterationRecord, OptimizeResult
from lorank.manifold.autodiff import TorchLowRank, TorchTT, riemannian_grad, riemannian_hvp
from lorank.manifold.completion import complete_matrix, complete_tt
from lorank.manifold.fixed_rank import FixedRankMatrix, LowRankPoint, LowRankTangent
from lorank.manifold.fixed_rank_tt import FixedRankTT, TTPoint, TTTangent
from lorank.manifold.optimize import minimize

__all__ = [
    "FixedRankMatrix",
    "FixedRankTT",
    "IterationRecord",
    "LowRankPoint",
    "LowRankTangent",
    "OptimizeResult",
    "TTPoint",
    "TTTangent",
    "TorchLowRank",
    "TorchTT",
    "complete_matrix",
    "complete_tt",
    "minimize",
    "riemannian_grad",
    "riemannian_hvp",
]
