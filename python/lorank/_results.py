# SPDX-License-Identifier: MIT
"""Result dataclasses returned by lorank algorithms."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["CrossResult", "CrossSweep", "RoundInfo"]


@dataclass(frozen=True)
class RoundInfo:
    """What a rounding (or TT-SVD) did.

    Attributes
    ----------
    error : float
        Frobenius norm of the error made, ``||x - round(x)||`` (from the discarded singular
        values; for ``method='randomized'`` measured against the input; for
        ``'gram-sim'`` measured, or below ~1e-5 ||x|| bounded, see :meth:`TT.round`).
        ``inf`` or 0 when the value lies outside the double range (very long trains).
    rel_error : float
        ``error / ||x||`` (0 for a zero train), exact even when the two are not representable.
    norm : float
        ``||x||`` of the input (``inf`` or 0 outside the double range).
    method : str
        The method that ran (``'auto'`` resolved; ``'orth-gram'`` where ``'gram-sim'``
        declined the request).
    ranks : tuple of int
        Ranks of the result.
    """

    error: float
    rel_error: float
    norm: float
    method: str
    ranks: tuple[int, ...] = field(repr=False)


@dataclass(frozen=True)
class CrossSweep:
    """One sweep of a cross approximation, for progress reports and plots.

    Attributes
    ----------
    sweep : int
        1-based sweep number (odd: left to right, even: right to left).
    n_evals : int
        Distinct evaluations of the function so far.
    rel_error : float
        Relative error on the validation points; without them, the relative change
        ``||y - y_prev|| / ||y||`` from the previous sweep's train (inf after the first).
    max_rank : int
        Largest TT rank of this sweep's train (before the final rounding).
    seconds : float
        Wall time since the start.
    """

    sweep: int
    n_evals: int
    rel_error: float
    max_rank: int
    seconds: float


@dataclass(frozen=True)
class CrossResult:
    """Result of :func:`lorank.tt.cross` and its conveniences.

    Attributes
    ----------
    tt : TT
        The approximation, rounded to the requested ``rtol``.
    n_evals : int
        Distinct evaluations of the function (cached repeats not counted).
    n_sweeps : int
        Sweeps run (each passes over the cores once).
    converged : bool
        Whether two consecutive sweeps agreed to ``rtol``.
    rel_error_estimate : float
        Relative error of ``tt`` on the validation points (or the last change between
        sweeps without them).
    history : tuple of CrossSweep
        One entry per sweep.
    """

    tt: Any
    n_evals: int
    n_sweeps: int
    converged: bool
    rel_error_estimate: float
    history: tuple[CrossSweep, ...] = field(repr=False)
