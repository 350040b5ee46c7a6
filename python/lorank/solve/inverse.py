# SPDX-License-Identifier: MIT
"""Shift-and-invert inverse iteration in the TT format, the shifted systems solved inexactly
by AMEn: the eigenpair of a Hermitian TT-matrix nearest a target."""

from __future__ import annotations

import math
import numbers
import time
import warnings

import numpy as np

from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError
from lorank.solve._checks import (
    check_count,
    check_hermitian,
    check_max_rank,
    check_tol,
    square_operator,
)
from lorank.solve._results import EigResult, SweepRecord
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
    A: TTMatrix, x0: TT, shift: float, *, rtol: float = 1e-8, max_rank: int = 100,
    maxiter: int = 20, solve_rtol: float = 1e-6, solve_sweeps: int = 4,
) -> EigResult:
    """The eigenpair of a Hermitian TT-matrix A nearest ``shift``, by inverse iteration
    ``x <- (A - shift I)^{-1} x / ||.||`` with each shifted system solved inexactly by
    :func:`amen` (``solve_sweeps`` sweeps to ``solve_rtol``, started from the current x) and
    the iterate rounded to ``max_rank``.

    Converges linearly with ratio ``|lambda - shift| / |lambda' - shift|`` (lambda' the next
    nearest eigenvalue), so a shift close to the target converges in a few steps; inexact
    solves only perturb the direction. This is the textbook shifted inverse iteration with
    TT solves (the setting of Rakhuba-Oseledets 2016, whose manifold-preconditioned variants
    are not implemented here).

    Stops when ``||A x - theta x|| <= rtol * max(1, |theta|)`` (computed in TT; theta the
    Rayleigh quotient). Returns an :class:`EigResult` with one value and vector; the history
    records theta and the residual per iteration.
    """
    who = "solve.inverse_iteration"
    shape = square_operator(A, who)
    if not isinstance(x0, TT) or x0.shape != shape:
        msg = f"{who}: x0 must be a TT of shape {shape}"
        raise ShapeError(msg) if isinstance(x0, TT) else TypeError(msg)
    if isinstance(shift, bool) or not isinstance(shift, numbers.Real) or not math.isfinite(shift):
        msg = f"{who}: shift must be a finite real number, got {shift!r}"
        raise ArgumentError(msg)
    rtol = check_tol(rtol, who)
    solve_rtol = check_tol(solve_rtol, who)
    max_rank = check_max_rank(max_rank, who)
    maxiter = check_count(maxiter, "maxiter", who, 1)
    solve_sweeps = check_count(solve_sweeps, "solve_sweeps", who, 1)
    check_hermitian(A, who)
    norm0 = x0.norm()
    if norm0 == 0:
        msg = f"{who}: x0 is zero"
        raise ArgumentError(msg)
    shifted = _shifted(A, shift)
    x = x0 / norm0
    start, history, n_matvecs, converged = time.perf_counter(), [], 0, False
    theta, res = math.nan, math.inf
    for it in range(1, maxiter + 1):
        with warnings.catch_warnings():  # the solves are inexact on purpose
            warnings.simplefilter("ignore", ConvergenceWarning)
            sol = amen(shifted, x, x0=x, rtol=solve_rtol, max_rank=max_rank, max_sweeps=solve_sweeps)
        n_matvecs += sol.n_matvecs
        y = sol.x.round(rtol=min(solve_rtol, 1e-10), max_rank=max_rank)
        x = y / y.norm()
        theta = float(np.real(x.dot(A.apply(x, rtol=1e-12))))
        res = float(residual_norms(A, [x], [theta])[0])
        history.append(SweepRecord(it, np.array([theta]), res / max(1.0, abs(theta)), 0.0,
                                   max(x.ranks), n_matvecs, time.perf_counter() - start))
        if res <= rtol * max(1.0, abs(theta)):
            converged = True
            break
    if not converged:
        warnings.warn(f"{who}: not converged after {maxiter} iterations (residual {res:.2e})",
                      ConvergenceWarning, stacklevel=2)
    return EigResult(np.array([theta]), [x], converged, np.array([res]), len(history), n_matvecs,
                     tuple(history))
