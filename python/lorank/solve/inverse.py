# SPDX-License-Identifier: MIT
"""Shift-and-invert inverse iteration in the TT format, the shifted systems solved inexactly
by AMEn: the eigenpair of a Hermitian TT-matrix nearest a target."""

from __future__ import annotations

import math
import numbers
import time
import warnings
from collections.abc import Sequence

import numpy as np

from lorank.errors import ArgumentError, ConvergenceWarning
from lorank.solve._checks import (
    check_count,
    check_hermitian,
    check_max_rank,
    check_tol,
    square_operator,
    start_trains,
)
from lorank.solve._results import EigResult, SweepRecord
from lorank.solve._ritz import combine, rayleigh_ritz, unit
from lorank.solve.eigen import residual_norms
from lorank.solve.linear import amen
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["inverse_iteration"]


def _shifted(A: TTMatrix, shift: float) -> TTMatrix:
    """A - shift I as a TT-matrix (ranks + 1)."""
    eye = TTMatrix.identity(A.row_shape, dtype=A.dtype)
    total = (A.as_tt() - eye.as_tt() * float(shift)).round(rtol=1e-14)
    return TTMatrix.from_cores([c.reshape(c.shape[0], m, m, c.shape[2])
                                for c, m in zip(total.cores, A.row_shape)])


def inverse_iteration(
    A: TTMatrix, x0: TT | Sequence[TT], shift: float, *, rtol: float = 1e-8, max_rank: int = 100,
    maxiter: int = 20, solve_rtol: float = 1e-6, solve_sweeps: int = 4,
) -> EigResult:
    """The eigenpairs of a Hermitian TT-matrix A nearest ``shift``, by (block) inverse
    iteration ``X <- (A - shift I)^{-1} X`` with each shifted system solved inexactly by
    :func:`amen` (``solve_sweeps`` sweeps to ``solve_rtol``, started from the current
    vector), followed by a Rayleigh-Ritz step on the block.

    With one starting vector this is the textbook shifted inverse iteration; with m of them
    (a sequence x0) it is subspace iteration with shift-and-invert, which converges to the m
    eigenpairs nearest the shift with ratio ``|lambda_m - shift| / |lambda_{m+1} - shift|``
    and resolves (near-)degenerate multiplets, where single-vector iteration stalls between
    the members. The Rayleigh-Ritz step uses TT inner products (Gram and ``<y_i, A y_j>``)
    and forms the Ritz vectors as TT sums rounded to ``solve_rtol`` and ``max_rank``.
    Inexact solves only perturb the directions. (The setting of Rakhuba-Oseledets 2016; their
    manifold-preconditioned LOBPCG, whose shifted solves stay in each state's tangent space,
    is :func:`lobpcg`.)

    Stops when every ``||A x_j - theta_j x_j|| <= rtol * max(1, |theta_j|)`` (computed in TT).
    Returns an :class:`EigResult` with the m Ritz values (ascending) and vectors; the
    history records them and the largest relative residual per iteration.
    Cost per iteration: m AMEn solves, m TT products and m^2 inner products.
    """
    who = "solve.inverse_iteration"
    shape = square_operator(A, who)
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real) or not math.isfinite(shift):
        msg = f"{who}: shift must be a finite real number, got {shift!r}"
        raise ArgumentError(msg)
    rtol = check_tol(rtol, who)
    solve_rtol = check_tol(solve_rtol, who)
    max_rank = check_max_rank(max_rank, who)
    maxiter = check_count(maxiter, "maxiter", who, 1)
    solve_sweeps = check_count(solve_sweeps, "solve_sweeps", who, 1)
    xs = start_trains(x0, shape, who)
    check_hermitian(A, who)
    shifted = _shifted(A, shift)
    start, history, n_matvecs, converged = time.perf_counter(), [], 0, False
    theta, res = np.full(len(xs), np.nan), np.full(len(xs), np.inf)
    for it in range(1, maxiter + 1):
        ys = []
        for x in xs:
            with warnings.catch_warnings():  # the solves are inexact on purpose
                warnings.simplefilter("ignore", ConvergenceWarning)
                sol = amen(shifted, x, x0=x, rtol=solve_rtol, max_rank=max_rank, max_sweeps=solve_sweeps)
            n_matvecs += sol.n_matvecs
            y = sol.x.round(rtol=min(solve_rtol, 1e-10), max_rank=max_rank)
            ys.append(y / y.norm())
        theta, coef, gram = rayleigh_ritz(A, ys, len(ys))
        xs = [unit(combine(ys, coef[:, j], gram, min(solve_rtol, 1e-10), max_rank)) for j in range(len(ys))]
        res = residual_norms(A, xs, theta)
        worst = float(np.max(res / np.maximum(1.0, np.abs(theta))))
        history.append(SweepRecord(it, np.array(theta), worst, 0.0, max(max(x.ranks) for x in xs),
                                   n_matvecs, time.perf_counter() - start))
        if worst <= rtol:
            converged = True
            break
    if not converged:
        warnings.warn(f"{who}: not converged after {maxiter} iterations (residual {np.max(res):.2e})",
                      ConvergenceWarning, stacklevel=2)
    return EigResult(np.asarray(theta), xs, converged, np.asarray(res), len(history), n_matvecs,
                     tuple(history))
