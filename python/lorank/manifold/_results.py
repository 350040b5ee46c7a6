# SPDX-License-Identifier: MIT
"""Results of the Riemannian optimizers (plain dataclasses, easy to plot)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

__all__ = ["IterationRecord", "OptimizeResult"]


@dataclass(frozen=True)
class IterationRecord:
    """One iteration: the cost, the Riemannian gradient norm, the step taken, the relative
    error on validation entries (nan without them) and the wall time since the start."""

    iteration: int
    fun: float
    grad_norm: float
    step: float
    validation_error: float
    seconds: float


@dataclass(frozen=True)
class OptimizeResult:
    """Result of a Riemannian optimization.

    Attributes
    ----------
    x : the final point (e.g. a :class:`LowRankPoint`)
    fun : float
        Final cost.
    n_iter : int
    converged : bool
        Whether the stopping tolerance was met (rather than maxiter or a stalled line search).
    message : str
        Why it stopped.
    history : tuple of IterationRecord
    """

    x: Any
    fun: float
    n_iter: int
    converged: bool
    message: str
    history: tuple[IterationRecord, ...] = field(repr=False)
