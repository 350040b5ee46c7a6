# SPDX-License-Identifier: MIT
"""Results of the TT solvers (plain dataclasses, easy to plot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["EigResult", "SolveResult", "SweepRecord"]


@dataclass(frozen=True)
class SweepRecord:
    """One full sweep (left to right and back) of a TT solver.

    Attributes
    ----------
    sweep : int
        1-based sweep number.
    values : array
        Eigenvalue estimates after the sweep (eigensolvers; empty for linear solvers).
    residual : float
        Largest local residual of the sweep, relative (``||H x - theta x|| / max(1, |theta|)``
        for eigensolvers, ``||b - A x|| / ||b||`` on the local system for linear solvers).
    truncation : float
        Largest relative norm discarded by a truncation during the sweep.
    max_rank : int
        Largest TT rank after the sweep.
    n_matvecs : int
        Products with local operators so far (each column of a block counts).
    seconds : float
        Wall time since the start.
    """

    sweep: int
    values: Any
    residual: float
    truncation: float
    max_rank: int
    n_matvecs: int
    seconds: float


@dataclass(frozen=True)
class EigResult:
    """Eigenpairs from :func:`lorank.solve.eigsh` and the other TT eigensolvers.

    Attributes
    ----------
    values : array (k,)
        The lowest eigenvalues found, increasing.
    vectors : list of TT
        Unit-norm eigenvectors, one train per value.
    converged : bool
        Whether the stopping test was met before ``max_sweeps``.
    residuals : array (k,)
        ``||A x_j - values[j] x_j||`` computed in the TT format for the returned vectors
        (an eigenvalue of A lies within this distance of ``values[j]``); nan where not
        computed (``residuals=False``).
    n_sweeps : int
    n_matvecs : int
        Products with local operators (each column of a block counts).
    history : tuple of SweepRecord
    """

    values: Any
    vectors: list[Any]
    converged: bool
    residuals: Any
    n_sweeps: int
    n_matvecs: int
    history: tuple[SweepRecord, ...] = field(repr=False)


@dataclass(frozen=True)
class SolveResult:
    """Solution of a linear system from :func:`lorank.solve.amen` or
    :func:`lorank.solve.als`.

    Attributes
    ----------
    x : TT
        The solution.
    residual : float
        ``||b - A x|| / ||b||``, computed in the TT format at the end.
    converged : bool
    n_sweeps : int
    n_matvecs : int
    history : tuple of SweepRecord
    """

    x: Any
    residual: float
    converged: bool
    n_sweeps: int
    n_matvecs: int
    history: tuple[SweepRecord, ...] = field(repr=False)
