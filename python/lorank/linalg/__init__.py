# SPDX-License-Identifier: MIT
"""Dense and matrix-free linear algebra: maximum-volume submatrices and matrix cross
approximation; Krylov solvers (power and Lanczos iterations), spectral, two-to-infinity and
one-to-two norm estimators, stochastic diagonal and trace estimators, and the operators they
accept (arrays, sparse matrices, LinearOperators, TT-matrices, convolutions)."""

from __future__ import annotations

from lorank.linalg._results import EigResult, NormEstimate, SVDResult
from lorank.linalg.block_lanczos import block_lanczos_svd
from lorank.linalg.conv import Conv2dOperator
from lorank.linalg.estimators import hutchinson_diag, hutchpp_trace, norm_2inf, norm_12
from lorank.linalg.lanczos import lanczos_eigsh, lanczos_svd
from lorank.linalg.maxvol import maxvol, rect_maxvol
from lorank.linalg.norms import spectral_norm
from lorank.linalg.operators import Operator, as_operator
from lorank.linalg.power import block_power_svd, power_iteration
from lorank.linalg.skeleton import Skeleton, skeleton

__all__ = [
    "Conv2dOperator",
    "EigResult",
    "NormEstimate",
    "Operator",
    "SVDResult",
    "Skeleton",
    "as_operator",
    "block_lanczos_svd",
    "block_power_svd",
    "hutchinson_diag",
    "hutchpp_trace",
    "lanczos_eigsh",
    "lanczos_svd",
    "maxvol",
    "norm_12",
    "norm_2inf",
    "power_iteration",
    "rect_maxvol",
    "skeleton",
    "spectral_norm",
]
