# SPDX-License-Identifier: MIT
"""Riemannian gradient descent and conjugate gradients for torch loss functions on the
fixed-rank matrix and TT manifolds, gradients by :func:`riemannian_grad` (one backward pass
per iteration, plus one forward pass per line-search trial)."""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.errors import ArgumentError
from lorank.linalg._krylov_basis import check_count, check_tol
from lorank.manifold._results import IterationRecord, OptimizeResult
from lorank.manifold.autodiff import TorchLowRank, TorchTT, riemannian_grad
from lorank.manifold.fixed_rank import FixedRankMatrix
from lorank.manifold.fixed_rank_tt import TTPoint

__all__ = ["minimize"]

METHODS = ("rcg", "rgd")


def _value(f: Callable[[Any], Any], x: Any) -> float:
    """f at a point (no gradient)."""
    import torch

    with torch.no_grad():
        if isinstance(x, TTPoint):
            return float(f(TorchTT([torch.as_tensor(np.array(c)) for c in x.left])))
        return float(f(TorchLowRank(torch.as_tensor(x.U @ x.S), torch.as_tensor(np.array(x.V)))))


def minimize(
    f: Callable[[Any], Any], manifold: Any, x0: Any, *, method: str = "rcg",
    rtol: float = 1e-6, maxiter: int = 500,
    callback: Callable[[IterationRecord, Any], Any] | None = None,
) -> OptimizeResult:
    """Minimize a torch loss over a FixedRankMatrix or FixedRankTT manifold.

    Parameters
    ----------
    f : callable
        ``f(point) -> scalar torch tensor``, where point is a :class:`TorchLowRank` or
        :class:`TorchTT` (see :mod:`lorank.manifold.autodiff`).
    manifold, x0 : the manifold and a start point on it (LowRankPoint or TTPoint).
    method : {'rcg', 'rgd'}
        Conjugate gradients (Polak-Ribiere+, transport by projection, restarted when not a
        descent direction) or steepest descent; both with Armijo backtracking from twice
        the previous step.
    rtol : stop when ``||grad f|| <= rtol ||grad f(x0)||``.

    Returns
    -------
    OptimizeResult (``x`` the final point, ``history`` per iteration).
    """
    who = "minimize"
    if method not in METHODS:
        msg = f"{who}: method must be one of {METHODS}, got {method!r}"
        raise ArgumentError(msg)
    rtol = check_tol(rtol, who)
    maxiter = check_count(maxiter, "maxiter", who)
    if isinstance(manifold, FixedRankMatrix):
        manifold.check_point(x0, who)
    t0 = time.perf_counter()
    x = x0
    fx, grad = riemannian_grad(f, manifold, x)
    g0 = manifold.norm(x, grad)
    eta, step = -grad, 1.0 / max(g0, 1e-300)
    history: list[IterationRecord] = []
    message, converged = "maxiter reached", g0 == 0.0
    x_prev = grad_prev = None
    for it in range(1, maxiter + 1):
        if converged:
            message = "tolerance reached"
            break
        if method == "rcg" and x_prev is not None:
            g_old = manifold.transport(x, x_prev, grad_prev)
            beta = max(0.0, manifold.inner(x, grad, grad - g_old) /
                       max(manifold.inner(x_prev, grad_prev, grad_prev), 1e-300))
            eta = -grad + beta * manifold.transport(x, x_prev, eta)
            if manifold.inner(x, grad, eta) >= 0:
                eta = -grad
        elif x_prev is not None:
            eta = -grad
        slope = manifold.inner(x, grad, eta)
        t = 2.0 * step
        for _ in range(40):
            x_new = manifold.retract(x, eta, t)
            f_new = _value(f, x_new)
            if f_new <= fx + 1e-4 * t * slope:
                break
            t *= 0.5
        else:
            message = "line search failed"
            break
        step = t
        x_prev, grad_prev = x, grad
        x = x_new
        fx, grad = riemannian_grad(f, manifold, x)
        gnorm = manifold.norm(x, grad)
        record = IterationRecord(it, fx, gnorm, t, math.nan, time.perf_counter() - t0)
        history.append(record)
        converged = gnorm <= rtol * g0
        if converged:
            message = "tolerance reached"
            break
        if callback is not None and callback(record, x):
            message = "stopped by callback"
            break
    return OptimizeResult(x, fx, len(history), converged, message, tuple(history))
