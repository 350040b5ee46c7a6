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
from lorank.manifold.autodiff import TorchLowRank, TorchTT, riemannian_grad, riemannian_hvp
from lorank.manifold.completion import cg_direction
from lorank.manifold.fixed_rank import FixedRankMatrix
from lorank.manifold.fixed_rank_tt import TTPoint

__all__ = ["minimize"]

METHODS = ("rcg", "rgd", "rtr")


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
    method : {'rcg', 'rgd', 'rtr'}
        Conjugate gradients (Polak-Ribiere+, transport by projection, restarted when not a
        descent direction) or steepest descent, both with Armijo backtracking from twice
        the previous step; or the Riemannian trust-region Newton method (Absil, Baker,
        Gallivan 2007) with truncated CG (Steihaug-Toint) on :func:`riemannian_hvp`
        products (exact Hessians on both manifolds).
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
    if method == "rtr":
        return _trust_region(f, manifold, x0, rtol, maxiter, callback)
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
            eta = cg_direction(manifold, x, grad, x_prev, grad_prev, eta)
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


def _truncated_cg(manifold: Any, x: Any, grad: Any, hvp: Callable[[Any], Any],
                  radius: float) -> tuple[Any, Any, bool]:
    """Steihaug-Toint truncated CG for ``min <g, eta> + 1/2 <eta, H eta>``, ``||eta|| <=
    radius``: (eta, H eta, whether the boundary was hit)."""
    eta, h_eta = grad * 0.0, grad * 0.0
    r = grad
    delta = -r
    r0 = manifold.norm(x, r)
    rr = manifold.inner(x, r, r)
    for _ in range(200):
        h_delta = hvp(delta)
        kappa = manifold.inner(x, delta, h_delta)
        alpha = rr / kappa if kappa > 0 else math.inf
        step = eta + alpha * delta if math.isfinite(alpha) else None
        if kappa <= 0 or manifold.norm(x, step) >= radius:
            # Move to the boundary along delta: ||eta + tau delta|| = radius, tau >= 0.
            ed, dd = manifold.inner(x, eta, delta), manifold.inner(x, delta, delta)
            ee = manifold.inner(x, eta, eta)
            tau = (-ed + math.sqrt(max(ed * ed + dd * (radius * radius - ee), 0.0))) / dd
            return eta + tau * delta, h_eta + tau * h_delta, True
        eta, h_eta = step, h_eta + alpha * h_delta
        r = r + alpha * h_delta
        rr_new = manifold.inner(x, r, r)
        if math.sqrt(rr_new) <= r0 * min(r0**0.5, 0.1):  # superlinear local convergence
            break
        delta = -r + (rr_new / rr) * delta
        rr = rr_new
    return eta, h_eta, False


def _trust_region(f: Callable[[Any], Any], manifold: Any, x: Any, rtol: float, maxiter: int,
                  callback: Callable[[IterationRecord, Any], Any] | None) -> OptimizeResult:
    t0 = time.perf_counter()
    fx, grad = riemannian_grad(f, manifold, x)
    g0 = manifold.norm(x, grad)
    radius, max_radius = max(g0, 1e-12), 1e3 * max(g0, 1e-12)
    history: list[IterationRecord] = []
    message, converged = "maxiter reached", g0 == 0.0
    for it in range(1, maxiter + 1):
        if converged:
            message = "tolerance reached"
            break
        eta, h_eta, boundary = _truncated_cg(
            manifold, x, grad, lambda d: riemannian_hvp(f, manifold, x, d), radius)
        model_decrease = -(manifold.inner(x, grad, eta) + 0.5 * manifold.inner(x, eta, h_eta))
        x_new = manifold.retract(x, eta)
        f_new = _value(f, x_new)
        rho = (fx - f_new) / model_decrease if model_decrease > 0 else -math.inf
        if rho < 0.25:
            radius *= 0.25
        elif rho > 0.75 and boundary:
            radius = min(2.0 * radius, max_radius)
        step = manifold.norm(x, eta)
        if rho > 0.1:
            x = x_new
            fx, grad = riemannian_grad(f, manifold, x)
        gnorm = manifold.norm(x, grad)
        record = IterationRecord(it, fx, gnorm, step, math.nan, time.perf_counter() - t0)
        history.append(record)
        converged = gnorm <= rtol * g0
        if converged:
            message = "tolerance reached"
            break
        if radius < 1e-14 * max(g0, 1.0):
            message = "trust region collapsed"
            break
        if callback is not None and callback(record, x):
            message = "stopped by callback"
            break
    return OptimizeResult(x, fx, len(history), converged, message, tuple(history))
