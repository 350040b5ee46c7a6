# SPDX-License-Identifier: MIT
"""Right-hand sides of matrix ODEs dY/dt = F(t, Y) as the integrators see them, and the
sub-step solvers (exact exponentials for linear fields, classical Runge-Kutta otherwise)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.linalg as sla

from lorank.errors import NumericalError, ShapeError


@dataclass(frozen=True)
class LinearField:
    """``F(t, Y) = A Y + Y B^T`` (B defaults to zero): the Lyapunov/Sylvester-type linear
    field, for which every sub-step of the integrators is an exact matrix exponential.
    A is m x m, B is n x n."""

    A: Any
    B: Any = None


@dataclass(frozen=True)
class TTField:
    """A general right-hand side ``F(t, Y) -> TT`` for :func:`lorank.dlr.integrate_tt`, Y a
    TT of the solution's shape (F's value may have any ranks). The integrator's sub-flows are
    then ``n_substeps`` classical Runge-Kutta steps each, F evaluated on the whole train at
    every stage (d evaluations per stage and sweep)."""

    f: Callable[[float, Any], Any]
    n_substeps: int = 1


def _checked(value: Any, who: str, shape: tuple[int, int]) -> Any:
    """F's value as a dense array or a pair of arrays, with its shape and finiteness checked
    (a NaN from F would otherwise spread through every later step)."""
    parts = [np.asarray(x) for x in value] if isinstance(value, tuple) else [np.asarray(value)]
    if isinstance(value, tuple):
        if len(parts) != 2 or parts[0].shape[0] != shape[0] or parts[1].shape[0] != shape[1] \
                or parts[0].ndim != 2 or parts[1].shape[1:] != parts[0].shape[1:]:
            msg = f"{who}: F returned a pair that is not P (m x k), Q (n x k) for {shape}"
            raise ShapeError(msg)
    elif parts[0].shape != shape:
        msg = f"{who}: F returned shape {parts[0].shape}, expected {shape}"
        raise ShapeError(msg)
    if not all(np.all(np.isfinite(x)) for x in parts):
        msg = f"{who}: F returned NaN or Inf"
        raise NumericalError(msg)
    return tuple(parts) if isinstance(value, tuple) else parts[0]


def _times_right(value: Any, v: np.ndarray, who: str, shape: tuple[int, int]) -> np.ndarray:
    """value @ v for a dense matrix or a pair (P, Q) meaning P Q^T."""
    value = _checked(value, who, shape)
    if isinstance(value, tuple):
        p, q = value
        return p @ (q.T @ v)
    return value @ v


def _times_left(u: np.ndarray, value: Any, who: str, shape: tuple[int, int]) -> np.ndarray:
    """u^T @ value for a dense matrix or a pair (P, Q)."""
    value = _checked(value, who, shape)
    if isinstance(value, tuple):
        p, q = value
        return (u.T @ p) @ q.T
    return u.T @ value


def rk4(rhs: Callable[[float, np.ndarray], np.ndarray], t: float, y: np.ndarray, h: float) -> np.ndarray:
    """One classical Runge-Kutta step (order 4)."""
    k1 = rhs(t, y)
    k2 = rhs(t + h / 2, y + h / 2 * k1)
    k3 = rhs(t + h / 2, y + h / 2 * k2)
    k4 = rhs(t + h, y + h * k3)
    return y + h / 6 * (k1 + 2 * k2 + 2 * k3 + k4)


def sylvester_flow(a: np.ndarray, b: np.ndarray | None, y: np.ndarray, h: float) -> np.ndarray:
    """Exact solution at time h of dY/dt = a Y + Y b^T from y."""
    out = sla.expm(h * a) @ y
    if b is not None:
        out = out @ sla.expm(h * b).T
    return out
