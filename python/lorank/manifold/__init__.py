# SPDX-License-Identifier: MIT
"""Riemannian geometry and optimization on low-rank manifolds: the fixed-rank matrix
manifold (points and tangent vectors in factored form) and low-rank matrix completion by
Riemannian conjugate gradients."""

from __future__ import annotations

from lorank.manifold._results import IterationRecord, OptimizeResult
from lorank.manifold.completion import complete_matrix
from lorank.manifold.fixed_rank import FixedRankMatrix, LowRankPoint, LowRankTangent

__all__ = [
    "FixedRankMatrix",
    "IterationRecord",
    "LowRankPoint",
    "LowRankTangent",
    "OptimizeResult",
    "complete_matrix",
]
