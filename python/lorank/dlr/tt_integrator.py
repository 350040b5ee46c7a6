# SPDX-License-Identifier: MIT
"""The projector-splitting integrator for tensor trains (one-site TDVP; two-site in _two_site):
dY/dt = A Y, A(t) Y or F(t, Y), Y kept at the ranks of its start."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.linalg as sla

from lorank._validation import check_rtol
from lorank.dlr._fields import TTField, rk4
from lorank.dlr.integrators import DLRResult, DLRStep, check_span, march
from lorank.errors import ArgumentError, NumericalError, ShapeError
from lorank.solve._checks import check_count, check_max_rank, square_operator
from lorank.solve._local import LocalOperator, left_env, right_env
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["integrate_tt"]

DENSE_EXPM_LIMIT = 64  # local flows up to this size use a dense expm (above, Arnoldi is cheaper)
KRYLOV_TOL, KRYLOV_DIM = 1e-13, 30  # larger ones: Arnoldi, to this estimated error and basis size


def _flow(h: LocalOperator, v: np.ndarray, tau: float) -> np.ndarray:
    """exp(tau H) v for the local operator H (dense expm when small, else Krylov)."""
    if h.size <= DENSE_EXPM_LIMIT:
        return sla.expm(tau * h.dense()) @ v
    return krylov_expm(lambda x: h.matvec(x.reshape(-1, 1))[:, 0], v, tau)


def krylov_expm(apply: Callable[[np.ndarray], np.ndarray], v: np.ndarray, tau: float,
                tol: float = KRYLOV_TOL, m_max: int = KRYLOV_DIM) -> np.ndarray:
    """exp(tau H) v by the Arnoldi approximation ``||v|| V_m exp(tau H_m) e_1`` (Saad, SIAM J.
    Numer. Anal. 29 (1992)), H given by ``apply``. The basis grows until Saad's a posteriori
    estimate ``||v|| |tau h_{m+1,m} [exp(tau H_m)]_{m,1}|`` is below ``tol ||v||``; where
    ``m_max`` vectors do not reach it, the step is halved until they do and the rest of tau
    follows from the new vector. Gram-Schmidt twice per vector; an invariant subspace ends
    the step exactly. O(m n) memory, one product with H per basis vector."""
    n = v.size
    dtype = np.result_type(v, tau, np.float64)
    w, left = np.asarray(v, dtype=dtype), 1.0  # `left`: the fraction of tau still to go
    while left > 0:
        beta = float(np.linalg.norm(w))
        if beta == 0.0:
            return w
        m = min(m_max, n)
        basis = np.zeros((m + 1, n), dtype=dtype)
        hess = np.zeros((m + 1, m), dtype=dtype)
        basis[0] = w / beta
        step, coef, k = left, None, m
        for j in range(m):
            z = np.asarray(apply(basis[j]), dtype=dtype)
            for _ in range(2):
                c = basis[:j + 1].conj() @ z
                z = z - c @ basis[:j + 1]
                hess[:j + 1, j] += c
            hess[j + 1, j] = np.linalg.norm(z)
            k = j + 1
            coef = sla.expm(step * tau * hess[:k, :k])[:, 0]
            done = abs(hess[k, j]) <= 1e-14 * max(1.0, float(np.abs(hess[:k, :k]).max()))
            if done or abs(step * tau * hess[k, j] * coef[-1]) <= tol:
                break
            basis[k] = z / hess[k, j]
        else:  # m_max vectors: shorten the step until the estimate holds
            while not abs(step * tau * hess[m, m - 1] * coef[-1]) <= tol:  # NaN/Inf: not yet
                step /= 2
                if step < 1e-6:
                    msg = ("dlr.integrate_tt: the local exponential needs over a million Krylov "
                           "restarts per step (|tau H| too large: reduce dt)")
                    raise NumericalError(msg)
                coef = sla.expm(step * tau * hess[:m, :m])[:, 0]
        w = beta * (coef @ basis[:k])
        left = max(left - step, 0.0) if step < left else 0.0
    return w


def _bond_identity(rank: int, dtype: Any) -> np.ndarray:
    """The operator core (R, 1, 1, R) that passes the bond index through (for the S-step)."""
    return np.eye(rank, dtype=dtype).reshape(rank, 1, 1, rank)


class _Sweeper:
    """Cores with an orthogonality center and the environments of A, as in the DMRG sweeps.
    The sub-flows (a core forward, a bond matrix backward) are exact exponentials of the
    projected operator; :class:`_FieldSweeper` replaces them for a general field."""

    def __init__(self, cores: list[np.ndarray], ops: list[np.ndarray] | None) -> None:
        self.x, self.op = cores, ops
        d = len(cores)
        one = np.ones((1, 1, 1), dtype=cores[0].dtype)
        self.left: list[Any] = [one] + [None] * (d - 1)
        self.right: list[Any] = [None] * (d - 1) + [one]
        for k in range(d - 1, 0, -1):  # right-orthogonalize, center at core 0
            self._move_left(k, 0.0)

    def _local(self, k: int) -> LocalOperator:
        return LocalOperator(self.left[k], self.op[k], self.right[k])

    def _core_flow(self, k: int, tau: float) -> None:
        """K-step: the center core k forward by tau."""
        c = self.x[k]
        self.x[k] = _flow(self._local(k), c.reshape(-1), tau).reshape(c.shape)

    def _bond_flow(self, bond: np.ndarray, k: int, tau: float) -> np.ndarray:
        """S-step: the bond matrix right of core k (cores <= k left-orthonormal, > k right-
        orthonormal) backward by tau."""
        left, right = self.left[k + 1], self.right[k]
        h = LocalOperator(left, _bond_identity(left.shape[1], left.dtype), right)
        return _flow(h, bond.reshape(-1), -tau).reshape(bond.shape)

    def _move_right(self, k: int, tau: float) -> None:
        c = self.x[k]
        r0, n, r1 = c.shape
        q, r = np.linalg.qr(c.reshape(r0 * n, r1))
        self.x[k] = q.reshape(r0, n, -1)
        if self.op is not None:
            self.left[k + 1] = left_env(self.left[k], self.x[k], self.op[k], self.x[k])
        if tau:
            r = self._bond_flow(r, k, tau)
        self.x[k + 1] = np.tensordot(r, self.x[k + 1], axes=([1], [0]))

    def _move_left(self, k: int, tau: float) -> None:
        c = self.x[k]
        r0, n, r1 = c.shape
        q, r = np.linalg.qr(c.reshape(r0, n * r1).T)
        self.x[k] = q.T.reshape(-1, n, r1)
        if self.op is not None:
            self.right[k - 1] = right_env(self.right[k], self.x[k], self.op[k], self.x[k])
        lmat = r.T  # c = lmat @ x[k]
        if tau:
            lmat = self._bond_flow(lmat, k - 1, tau)
        self.x[k - 1] = np.tensordot(self.x[k - 1], lmat, axes=([2], [0]))

    def sweep_right(self, tau: float) -> None:
        """K-steps forward, S-steps backward, left to right; center from 0 to d-1."""
        d = len(self.x)
        for k in range(d):
            self._core_flow(k, tau)
            if k < d - 1:
                self._move_right(k, tau)

    def sweep_left(self, tau: float) -> None:
        """The adjoint sweep, right to left; center from d-1 to 0."""
        d = len(self.x)
        for k in range(d - 1, -1, -1):
            self._core_flow(k, tau)
            if k > 0:
                self._move_left(k, tau)

    def set_operator(self, ops: list[np.ndarray]) -> None:
        """A new operator (time-dependent A): its right environments, center at core 0."""
        self.op = ops
        for k in range(len(self.x) - 1, 0, -1):
            self.right[k - 1] = right_env(self.right[k], self.x[k], ops[k], self.x[k])

    def recenter(self) -> None:
        """Center back to core 0 without evolving (after a Lie step)."""
        for k in range(len(self.x) - 1, 0, -1):
            self._move_left(k, 0.0)


class _FieldSweeper(_Sweeper):
    """Sub-flows for a general field F(t, Y) -> TT: classical Runge-Kutta steps (RK4) of the
    projected equations, ``dC/dt = U_<k^H F(t, Y(C)) V_>k^H`` for a core and its negative for
    a bond matrix, F evaluated on the whole train at every stage. Each sweep covers
    ``[self.time, self.time + tau]``."""

    def __init__(self, cores: list[np.ndarray], field: Callable[[float, TT], Any], shape: tuple[int, ...],
                 n_substeps: int, who: str) -> None:
        self.field, self.shape, self.n_substeps, self.who, self.time = field, shape, n_substeps, who, 0.0
        super().__init__(cores, None)

    def _value(self, t: float, cores: list[np.ndarray]) -> list[np.ndarray]:
        z = self.field(t, TT._trusted(cores))
        if not isinstance(z, TT):
            msg = f"{self.who}: the field must return a TT, got {type(z).__name__}"
            raise TypeError(msg)
        if z.shape != self.shape:
            msg = f"{self.who}: the field returned shape {z.shape}, expected {self.shape}"
            raise ShapeError(msg)
        zc = [np.asarray(c) for c in z.cores]
        if not all(np.all(np.isfinite(c)) for c in zc):
            msg = f"{self.who}: the field returned NaN or Inf"
            raise NumericalError(msg)
        return zc

    def _projected(self, z: list[np.ndarray], lo: int, hi: int) -> tuple[np.ndarray, np.ndarray]:
        """Environments ``U_<lo^H Z_<lo`` and ``V_>hi^H Z_>hi`` (orthonormal cores of x)."""
        left = np.ones((1, 1), dtype=np.result_type(self.x[0], z[0]))
        for j in range(lo):
            left = np.einsum("ab,aic,bid->cd", left, self.x[j].conj(), z[j], optimize=True)
        right = np.ones((1, 1), dtype=left.dtype)
        for j in range(len(z) - 1, hi, -1):
            right = np.einsum("ab,cia,dib->cd", right, self.x[j].conj(), z[j], optimize=True)
        return left, right

    def _rk4(self, rhs: Callable[[float, np.ndarray], np.ndarray], v: np.ndarray, tau: float) -> np.ndarray:
        h = tau / self.n_substeps
        for i in range(self.n_substeps):
            v = rk4(rhs, self.time + i * h, v, h)
        return v

    def _core_flow(self, k: int, tau: float) -> None:
        def rhs(t: float, c: np.ndarray) -> np.ndarray:
            cores = self.x[:k] + [c] + self.x[k + 1:]
            z = self._value(t, cores)
            left, right = self._projected(z, k, k)
            return np.einsum("ab,bic,dc->aid", left, z[k], right, optimize=True)

        self.x[k] = self._rk4(rhs, self.x[k].astype(np.result_type(self.x[k], float)), tau)

    def _bond_flow(self, bond: np.ndarray, k: int, tau: float) -> np.ndarray:
        def rhs(t: float, b: np.ndarray) -> np.ndarray:
            cores = self.x[:k] + [np.tensordot(self.x[k], b, axes=([2], [0]))] + self.x[k + 1:]
            left, right = self._projected(self._value(t, cores), k + 1, k)
            return -(left @ right.T)

        return self._rk4(rhs, bond, tau)


def _operator_cores(A: Any, shape: tuple[int, ...], dtype: Any, t: float, who: str) -> list[np.ndarray]:
    """The cores of A(t) (A a TTMatrix or a callable returning one), checked: square, on the
    modes of y0, and no complex A(t) once the integration runs in real arithmetic."""
    op = A(t) if callable(A) else A
    got = square_operator(op, who)
    if got != shape:
        msg = f"{who}: A(t = {t:g}) acts on {got}, y0 has shape {shape}"
        raise ShapeError(msg)
    if np.result_type(op.dtype, dtype) != dtype:
        msg = f"{who}: A(t = {t:g}) is {op.dtype}, the integration runs in {np.dtype(dtype).name} (make A(t0) complex too)"
        raise ArgumentError(msg)
    return [np.asarray(c, dtype=dtype) for c in op.cores]


def integrate_tt(
    A: TTMatrix | Callable[[float], TTMatrix] | TTField, y0: TT, t_span: tuple[float, float], *,
    dt: float, method: str = "ksl2", rtol: float | None = None, max_rank: int | None = None,
    callback: Callable[[DLRStep], Any] | None = None,
) -> DLRResult:
    """Integrate dY/dt = A Y, A(t) Y or F(t, Y) on the manifold of tensor trains with the
    ranks of y0 ('ksl', 'ksl2'), or with ranks that adapt to a tolerance ('tdvp2').

    The projector-splitting integrator for TT (Lubich, Oseledets, Vandereycken, "Time
    integration of tensor trains", SIAM J. Numer. Anal. 53 (2015); the one-site TDVP of
    Haegeman et al. 2016): a left-to-right sweep in which each core evolves forward under the
    projected operator (K-step, ``exp(h H_k)``), is orthogonalized, and the bond factor evolves
    backward (S-step, ``exp(-h H_bond)``); the last core evolves forward. ``'ksl'`` is that
    sweep (first order); ``'ksl2'`` follows it by the adjoint right-to-left sweep, both with
    h/2 (second order, symmetric). Local flows are matrix exponentials: dense up to 64
    unknowns, else the Arnoldi approximation to a 1e-13 relative error estimate. For
    skew-Hermitian A (A = -iH, Schroedinger) every sub-flow is unitary, so the norm is
    conserved (to that estimate), and so is the energy ``<Y, H Y>`` for Hermitian H.

    ``'tdvp2'`` is the two-site splitting (Haegeman, Lubich, Oseledets, Vandereycken,
    Verstraete, Phys. Rev. B 94, 165116 (2016)), symmetric like 'ksl2' (second order): each
    pair of neighbouring cores evolves forward as one tensor, is split by an SVD that keeps
    the smallest rank discarding at most ``rtol`` (default 1e-8) of ``||Y||``, at most
    ``max_rank`` (default 100), and the new center core evolves backward. Ranks grow where
    the flow needs them (a product-state start is fine; one-site sweeps keep its rank 1)
    and shrink where it does not; norm and energy are conserved up to the truncations.
    A TT-matrix field (constant or A(t)) only. Costs a factor n more per local product
    than the one-site sweeps (the pair's modes are merged).

    A time-dependent field is given as a callable ``A(t) -> TTMatrix`` (same modes at every
    t, TT ranks free to change); each step of size h freezes it at its midpoint t + h/2 (the
    exponential midpoint rule, whose O(h^3) local error keeps 'ksl2' second order) and
    rebuilds the environments, one extra right-to-left pass per step. A(t) is checked
    (square, finite, the modes of y0) before it is used; an error leaves nothing changed.

    A general field is given as a :class:`TTField` ``F(t, Y) -> TT``: the same sweeps, each
    sub-flow (``dC/dt = U_<k^H F(t, Y(C)) V_>k^H`` for a core, its negative for a bond
    matrix) by ``n_substeps`` classical Runge-Kutta steps with F evaluated on the whole train
    at every stage; for autonomous F at full ranks the splitting is exact and the error is
    RK4's. F's value is checked (a TT of y0's shape, finite) at every evaluation.

    Returns a :class:`DLRResult` whose ``y`` is the TT at t1, with the ranks of y0 (each
    capped by the largest rank a train of that shape can have; 'tdvp2': the adapted ranks,
    recorded per step in ``history``).
    Complexity per step: O(d r^3 R n (1 + R n / r)) per local product ('tdvp2': n -> n^2).
    Raises ArgumentError for bad options, ShapeError/TypeError for bad operands, and
    NumericalError when the solution turns non-finite or a local exponential would need over
    a million Krylov restarts (dt far too large for the operator's norm).
    """
    who = "dlr.integrate_tt"
    if not isinstance(y0, TT):
        msg = f"{who}: y0 must be a TT, got {type(y0).__name__}"
        raise TypeError(msg)
    t0, t1 = check_span(t_span, dt, who)
    if method not in ("ksl", "ksl2", "tdvp2"):
        msg = f"{who}: method must be 'ksl', 'ksl2' or 'tdvp2', got {method!r}"
        raise ArgumentError(msg)
    general = isinstance(A, TTField)
    if method != "tdvp2" and (rtol is not None or max_rank is not None):
        msg = f"{who}: rtol and max_rank apply to method='tdvp2' (the other methods keep y0's ranks)"
        raise ArgumentError(msg)
    if method == "tdvp2":
        if general:
            msg = f"{who}: method='tdvp2' takes a TTMatrix or A(t), not a TTField"
            raise ArgumentError(msg)
        rtol = check_rtol(1e-8 if rtol is None else rtol, who)
        max_rank = check_max_rank(100 if max_rank is None else max_rank, who)
    if general:
        substeps = check_count(A.n_substeps, "TTField.n_substeps", who, 1)
        dtype = np.result_type(y0.dtype, np.float64)
        sweeper: _Sweeper = _FieldSweeper([np.array(c, dtype=dtype) for c in y0.cores], A.f, y0.shape,
                                          substeps, who)
    else:
        op0 = A(t0) if callable(A) else A
        dtype = np.result_type(op0.dtype if isinstance(op0, TTMatrix) else np.float64, y0.dtype, np.float64)
        cores, ops = [np.array(c, dtype=dtype) for c in y0.cores], _operator_cores(op0, y0.shape, dtype, t0, who)
        if method == "tdvp2":
            from lorank.dlr._two_site import TwoSiteSweeper

            sweeper = TwoSiteSweeper(cores, ops, rtol, max_rank)
        else:
            sweeper = _Sweeper(cores, ops)

    def step(t: float, h: float) -> tuple[float, int]:
        if general:
            sweeper.time = t
        elif callable(A):
            sweeper.set_operator(_operator_cores(A, y0.shape, dtype, t + h / 2, who))
        if method == "ksl":
            sweeper.sweep_right(h)
            sweeper.recenter()
        else:
            sweeper.sweep_right(h / 2)
            sweeper.time = t + h / 2
            sweeper.sweep_left(h / 2)
        return float(np.linalg.norm(sweeper.x[0])), max(c.shape[2] for c in sweeper.x)

    t, history = march(step, t0, t1, float(dt), callback, who)
    y = TT._trusted([np.ascontiguousarray(c) for c in sweeper.x])
    return DLRResult(y, t, len(history), tuple(history))
