# SPDX-License-Identifier: MIT
"""Results of the Krylov solvers and norm estimators (plain dataclasses, easy to plot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["EigResult", "NormEstimate", "SVDResult"]


@dataclass(frozen=True)
class EigResult:
    """Eigenpairs from :func:`lanczos_eigsh` or :func:`power_iteration`.

    Attributes
    ----------
    values : array (k,)
        Eigenvalues, in the order ``which`` asks for (largest first for 'LM' and 'LA').
    vectors : array (n, k)
        Orthonormal eigenvectors, column j for ``values[j]``.
    n_matvecs : int
        Products with the operator.
    converged : bool
        Whether every wanted pair met the tolerance.
    residuals : array (k,)
        ``||A v - lambda v||`` of each pair (from the Krylov relation).
    history : tuple of float
        Largest relative residual of the wanted pairs after each restart (or iteration).
    """

    values: Any
    vectors: Any
    n_matvecs: int
    converged: bool
    residuals: Any
    history: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class SVDResult:
    """Singular triplets from :func:`lanczos_svd` or :func:`block_power_svd`.

    Attributes
    ----------
    u : array (m, k)
        Left singular vectors (orthonormal columns).
    s : array (k,)
        Singular values, largest first.
    vh : array (k, n)
        Right singular vectors as rows.
    n_matvecs : int
        Products with A and with A^H, one per column.
    converged : bool
        Whether every wanted triplet met the tolerance.
    residuals : array (k,)
        Residual of each triplet on the side that does not hold by construction:
        ``||A^H u_j - s_j v_j||`` for Lanczos, ``||A v_j - s_j u_j||`` for block power.
    history : tuple of float
        Largest relative residual of the wanted triplets after each restart (or iteration).
    """

    u: Any
    s: Any
    vh: Any
    n_matvecs: int
    converged: bool
    residuals: Any
    history: tuple[float, ...] = field(repr=False)


@dataclass(frozen=True)
class NormEstimate:
    """A norm estimate with what is known around it.

    Attributes
    ----------
    value : float
        The estimate.
    lower : float
        A value the norm is certainly not below (a computed ``||A x|| / ||x||`` or a row
        norm), or 0.
    upper : float
        An upper bound: certain, probabilistic (see the method's failure probability) or
        ``inf`` where the method gives none.
    n_matvecs : int
        Products with A and A^H.
    converged : bool
        For iterative methods, whether the tolerance was met (True for one-shot estimators).
    history : tuple of float
        The estimate after each iteration or batch of products.
    method : str
        The method that produced it.
    index : int
        For the 2->inf (1->2) norms: the row (column) whose norm is ``value``; else -1.
    guaranteed : bool
        Whether ``upper`` is certain: True for exact values and proven bounds evaluated
        exactly; False where it rests on random probes or a local search (or is inf).
    """

    value: float
    lower: float
    upper: float
    n_matvecs: int
    converged: bool
    history: tuple[float, ...] = field(repr=False)
    method: str = ""
    index: int = -1
    guaranteed: bool = False
