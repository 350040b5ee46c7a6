# SPDX-License-Identifier: MIT
"""Dynamical low-rank approximation of matrix ODEs dY/dt = F(t, Y): the projector-splitting
(KSL) integrator of Lubich and Oseledets, first order and Strang-symmetric, and the
rank-adaptive basis-update & Galerkin (BUG) integrator of Ceruti, Kusch and Lubich."""

from __future__ import annotations

import math
import numbers
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lorank.dlr._fields import LinearField, _times_left, _times_right, rk4, sylvester_flow
from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.manifold.fixed_rank import LowRankPoint
from lorank.solve._checks import check_count
from lorank.solve._local import truncation_rank

__all__ = ["DLRResult", "DLRStep", "integrate"]

METHODS = ("ksl", "ksl2", "bug")


@dataclass(frozen=True)
class DLRStep:
    """One recorded time step: the time, the rank, ``||Y||_F`` and the wall time so far."""

    t: float
    rank: int
    norm: float
    seconds: float


@dataclass(frozen=True)
class DLRResult:
    """The low-rank solution at the final time and the trajectory of ranks and norms.

    Attributes
    ----------
    y : LowRankPoint
        ``Y(t1) ~ U S V^T`` (U, V orthonormal).
    t : float
        Final time.
    n_steps : int
    history : tuple of DLRStep
        One record per step (plot rank or norm against t).
    """

    y: LowRankPoint
    t: float
    n_steps: int
    history: tuple[DLRStep, ...] = field(repr=False)


def check_span(t_span: Any, dt: Any, who: str) -> tuple[float, float]:
    """(t0, t1) with t0 < t1 finite, and a positive finite dt (ArgumentError otherwise)."""
    try:
        t0, t1 = (float(t) for t in t_span)
    except (TypeError, ValueError) as exc:
        msg = f"{who}: t_span must be a pair of numbers (t0, t1), got {t_span!r}"
        raise ArgumentError(msg) from exc
    if not (math.isfinite(t0) and math.isfinite(t1) and t1 > t0):
        msg = f"{who}: t_span must satisfy t0 < t1, got {t_span!r}"
        raise ArgumentError(msg)
    if isinstance(dt, bool) or not isinstance(dt, numbers.Real) or not 0 < dt < math.inf:
        msg = f"{who}: dt must be a positive number, got {dt!r}"
        raise ArgumentError(msg)
    return t0, t1


def march(step: Callable[[float, float], tuple[float, int]], t0: float, t1: float, dt: float,
          callback: Callable[[DLRStep], Any] | None, who: str) -> tuple[float, list[DLRStep]]:
    """Steps of dt from t0 to t1 (the last one shortened); ``step(t, h)`` advances the state
    and returns its norm and rank. Returns the time reached and the records."""
    start, t, history = time.perf_counter(), t0, []
    n_steps = int(math.ceil((t1 - t0) / dt - 1e-12))
    for i in range(n_steps):
        norm, rank = step(t, min(dt, t1 - t))
        t = t0 + (i + 1) * dt if i + 1 < n_steps else t1
        if not math.isfinite(norm):
            msg = f"{who}: the solution became non-finite at t = {t:.6g} (step too large?)"
            raise NumericalError(msg)
        record = DLRStep(t, rank, norm, time.perf_counter() - start)
        history.append(record)
        if callback is not None and callback(record) is True:
            break
    return t, history


class _Flows:
    """The K, S and L sub-flows of one field: exact exponentials for a LinearField, classical
    Runge-Kutta sub-steps otherwise."""

    def __init__(self, f: Any, shape: tuple[int, int], n_substeps: int, who: str) -> None:
        self.f, self.shape, self.n, self.who = f, shape, n_substeps, who
        self.linear = isinstance(f, LinearField)
        if self.linear:
            a = np.asarray(f.A, dtype=float)
            b = None if f.B is None else np.asarray(f.B, dtype=float)
            if a.shape != (shape[0], shape[0]) or (b is not None and b.shape != (shape[1], shape[1])):
                msg = f"{who}: LinearField needs A {shape[0]} x {shape[0]} and B {shape[1]} x {shape[1]}"
                raise ShapeError(msg)
            self.a, self.b = a, b

    def _b_proj(self, v: np.ndarray) -> np.ndarray | None:
        return None if self.b is None else v.T @ self.b @ v

    def _run(self, rhs: Callable[[float, np.ndarray], np.ndarray], t: float, y: np.ndarray, h: float) -> np.ndarray:
        step = h / self.n
        for i in range(self.n):
            y = rk4(rhs, t + i * step, y, step)
        return y

    def k(self, k0: np.ndarray, v: np.ndarray, t: float, h: float) -> np.ndarray:
        """dK/dt = F(t, K V^T) V."""
        if self.linear:
            return sylvester_flow(self.a, self._b_proj(v), k0, h)
        eye = np.eye(v.shape[1])
        return self._run(lambda s, k: _times_right(self.f(s, LowRankPoint(k, eye, v)), v, self.who,
                                                   self.shape), t, k0, h)

    def l(self, l0: np.ndarray, u: np.ndarray, t: float, h: float) -> np.ndarray:  # noqa: E743
        """dL/dt = F(t, U L^T)^T U."""
        if self.linear:
            b = np.zeros((self.shape[1], self.shape[1])) if self.b is None else self.b
            return sylvester_flow(b, u.T @ self.a @ u, l0, h)
        eye = np.eye(u.shape[1])
        return self._run(lambda s, x: _times_left(u, self.f(s, LowRankPoint(u, eye, x)), self.who,
                                                  self.shape).T, t, l0, h)

    def s(self, s0: np.ndarray, u: np.ndarray, v: np.ndarray, t: float, h: float, sign: float) -> np.ndarray:
        """dS/dt = sign U^T F(t, U S V^T) V (sign -1: the KSL backward step)."""
        if self.linear:
            bp = self._b_proj(v)
            return sylvester_flow(sign * (u.T @ self.a @ u), None if bp is None else sign * bp, s0, h)
        return self._run(lambda s, x: sign * (_times_left(u, self.f(s, LowRankPoint(u, x, v)), self.who,
                                                          self.shape) @ v), t, s0, h)


def _ksl(flows: _Flows, y: LowRankPoint, t: float, h: float) -> LowRankPoint:
    """Lie-Trotter projector splitting: K, then S backward, then L."""
    u, s = np.linalg.qr(flows.k(y.U @ y.S, y.V, t, h))
    s = flows.s(s, u, y.V, t, h, -1.0)
    v, st = np.linalg.qr(flows.l(y.V @ s.T, u, t, h))
    return LowRankPoint(u, st.T, v)


def _ksl2(flows: _Flows, y: LowRankPoint, t: float, h: float) -> LowRankPoint:
    """Strang splitting: K(h/2), S(h/2), L(h), S(h/2), K(h/2)."""
    half = h / 2
    u, s = np.linalg.qr(flows.k(y.U @ y.S, y.V, t, half))
    s = flows.s(s, u, y.V, t, half, -1.0)
    v, st = np.linalg.qr(flows.l(y.V @ s.T, u, t, h))
    s = flows.s(st.T, u, v, t + half, half, -1.0)
    u, s = np.linalg.qr(flows.k(u @ s, v, t + half, half))
    return LowRankPoint(u, s, v)


def _bug(flows: _Flows, y: LowRankPoint, t: float, h: float, rtol: float, max_rank: int) -> LowRankPoint:
    """Rank-adaptive BUG: K and L from the same start, bases augmented with the old ones,
    a Galerkin S-step on the augmented bases, then truncation to rtol of ||Y||."""
    k1 = flows.k(y.U @ y.S, y.V, t, h)
    l1 = flows.l(y.V @ y.S.T, y.U, t, h)
    uh, _ = np.linalg.qr(np.hstack([k1, y.U]))
    vh, _ = np.linalg.qr(np.hstack([l1, y.V]))
    s0 = (uh.T @ y.U) @ y.S @ (y.V.T @ vh)
    s1 = flows.s(s0, uh, vh, t, h, 1.0)
    p, sig, qt = np.linalg.svd(s1)
    r, _ = truncation_rank(sig, rtol, max_rank)
    return LowRankPoint(uh @ p[:, :r], np.diag(sig[:r]), vh @ qt[:r].T)


def _start(y0: Any, rank: int | None, who: str) -> LowRankPoint:
    if isinstance(y0, LowRankPoint):
        return LowRankPoint(np.asarray(y0.U, float), np.asarray(y0.S, float), np.asarray(y0.V, float))
    a = np.asarray(y0)
    if a.ndim != 2 or a.dtype.kind not in "biuf":
        msg = f"{who}: y0 must be a real matrix or a LowRankPoint, got {a.dtype} array of shape {a.shape}"
        raise ShapeError(msg)
    if rank is None:
        msg = f"{who}: a dense y0 needs rank"
        raise ArgumentError(msg)
    u, s, vt = np.linalg.svd(a.astype(float), full_matrices=False)
    return LowRankPoint(u[:, :rank], np.diag(s[:rank]), vt[:rank].T)


def integrate(
    F: Callable[[float, LowRankPoint], Any] | LinearField, y0: Any, t_span: tuple[float, float], *,
    rank: int | None = None, method: str = "ksl", dt: float, rtol: float = 1e-8,
    n_substeps: int = 1, callback: Callable[[DLRStep], Any] | None = None,
) -> DLRResult:
    """Integrate dY/dt = F(t, Y) on the manifold of low-rank matrices.

    Methods:

    - ``'ksl'``: the projector-splitting integrator (Lubich, Oseledets, "A projector-splitting
      integrator for dynamical low-rank approximation", BIT 54 (2014)), Lie-Trotter order:
      K-step ``dK/dt = F(t, K V0^T) V0`` with the co-range fixed, QR, S-step backward
      ``dS/dt = -U1^T F(t, U1 S V0^T) V0``, L-step ``dL/dt = F(t, U1 L^T)^T U1``, QR. Exact when
      the solution stays on the manifold (F independent of Y); first order in dt otherwise.
    - ``'ksl2'``: the Strang-symmetric composition K(h/2) S(h/2) L(h) S(h/2) K(h/2), second order.
    - ``'bug'``: the rank-adaptive basis-update & Galerkin integrator (Ceruti, Kusch, Lubich,
      "A rank-adaptive robust integrator for dynamical low-rank approximation", BIT 62
      (2022)): K and L steps from the same start, bases augmented by the old ones, a Galerkin
      S-step forward in time, then truncation so the discarded singular values hold at most
      ``rtol ||Y||``. The rank can grow to twice the current one per step, up to ``rank``.

    Parameters
    ----------
    F : callable or LinearField
        ``F(t, Y)`` with Y a :class:`LowRankPoint` (``Y = U S V^T``; U, V need not be
        orthonormal inside sub-steps) returning a dense m x n array or a pair (P, Q) meaning
        ``P Q^T``. A :class:`LinearField` ``A Y + Y B^T`` makes every sub-step an exact matrix
        exponential; other fields take ``n_substeps`` classical Runge-Kutta steps per
        sub-flow.
    y0 : LowRankPoint or array
        Start; a dense array is truncated by SVD to ``rank``.
    t_span : (t0, t1)
    rank : int
        The rank (KSL) or the largest rank allowed (BUG; default min(m, n)).
    dt : float
        Step; the last step is shortened to end at t1.
    rtol : float
        BUG truncation tolerance, relative to ||Y||_F.
    callback : called with each :class:`DLRStep`; returning True stops.

    Returns
    -------
    DLRResult

    Complexity: per step O((m + n) r^2) plus the cost of F on rank-r factors (KSL); BUG works
    with rank 2r.
    """
    who = "dlr.integrate"
    if method not in METHODS:
        msg = f"{who}: method must be one of {METHODS}, got {method!r}"
        raise ArgumentError(msg)
    if not (callable(F) or isinstance(F, LinearField)):
        msg = f"{who}: F must be a callable F(t, Y) or a LinearField, got {type(F).__name__}"
        raise TypeError(msg)
    if rank is not None and (isinstance(rank, bool) or not isinstance(rank, numbers.Integral) or rank < 1):
        msg = f"{who}: rank must be a positive integer, got {rank!r}"
        raise ArgumentError(msg)
    t0, t1 = check_span(t_span, dt, who)
    if isinstance(rtol, bool) or not isinstance(rtol, numbers.Real) or not 0 <= rtol < 1:
        msg = f"{who}: rtol must be in [0, 1), got {rtol!r}"
        raise ArgumentError(msg)
    n_substeps = check_count(n_substeps, "n_substeps", who, 1)
    y = _start(y0, rank, who)
    shape = (y.U.shape[0], y.V.shape[0])
    if method != "bug" and rank is not None and rank != y.rank and isinstance(y0, LowRankPoint):
        msg = f"{who}: rank = {rank} differs from the rank {y.rank} of y0"
        raise ArgumentError(msg)
    max_rank = min(shape) if rank is None or method != "bug" else min(rank, *shape)
    flows = _Flows(F, shape, n_substeps, who)
    state = [y]

    def step(t: float, h: float) -> tuple[float, int]:
        if method == "ksl":
            state[0] = _ksl(flows, state[0], t, h)
        elif method == "ksl2":
            state[0] = _ksl2(flows, state[0], t, h)
        else:
            state[0] = _bug(flows, state[0], t, h, float(rtol), max_rank)
        return float(np.linalg.norm(state[0].S)), state[0].rank

    t, history = march(step, t0, t1, float(dt), callback, who)
    y = state[0]
    return DLRResult(y, t, len(history), tuple(history))
