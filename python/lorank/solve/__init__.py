# SPDX-License-Identifier: MIT
"""Low-rank eigensolvers and linear solvers.

TT eigensolvers (:func:`eigsh`: two-site DMRG, the block TT-ALS and the Riemannian block
method; :func:`inverse_iteration`; the manifold-preconditioned :func:`lobpcg`; mean-field
starting vectors :func:`product_states`), TT linear
solvers (:func:`amen`, :func:`als`), and eigensolvers on fixed-rank matrix manifolds (:func:`jacobi_davidson`).
"""

from __future__ import annotations

from lorank.solve._results import EigResult, SolveResult, SweepRecord
from lorank.solve.als import als
from lorank.solve.eigen import eigsh, residual_norms
from lorank.solve.inverse import inverse_iteration
from lorank.solve.linear import amen
from lorank.solve.lobpcg import lobpcg
from lorank.solve.lowrank_eig import jacobi_davidson
from lorank.solve.product_start import product_states

__all__ = [
    "EigResult", "SolveResult", "SweepRecord", "als", "amen", "eigsh", "inverse_iteration", "jacobi_davidson",
    "lobpcg", "product_states", "residual_norms",
]
