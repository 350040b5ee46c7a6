# SPDX-License-Identifier: MIT
"""Linear systems ``A x = b`` in the TT format by alternating minimal energy (AMEn): one-site
local solves, with each new core enriched by a low-rank projection of the residual so the
ranks grow where the error is."""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import scipy.linalg as sla
from scipy.sparse.linalg import LinearOperator, gmres

from lorank.errors import ArgumentError, ConvergenceWarning, ShapeError
from lorank.solve._checks import (
    check_count,
    check_max_rank,
    check_tol,
    progress_bar,
    record_step,
    square_operator,
)
from lorank.solve._local import LocalOperator, left_env, right_env, svd, thin_qr, truncation_rank
from lorank.solve._results import SolveResult, SweepRecord
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["amen"]

DENSE_SOLVE_LIMIT = 300  # local systems up to this size are solved by LU


def _as_op(core: np.ndarray) -> np.ndarray:
    """A vector core (r, n, r') read as an operator core with one column: (r, n, 1, r')."""
    return core[:, :, None, :]


def _rhs(left: np.ndarray, core: np.ndarray, right: np.ndarray) -> np.ndarray:
    """The projection of b on the local space, as a vector."""
    h = LocalOperator(left, _as_op(core), right)
    return h.apply_rows(np.ones((1, 1), dtype=np.result_type(core, left)))[0]


def _local_solve(h: LocalOperator, rhs: np.ndarray, x0: np.ndarray, rtol: float) -> np.ndarray:
    if h.size <= DENSE_SOLVE_LIMIT:
        h.n_matvecs += h.size
        return sla.solve(h.dense(), rhs, check_finite=False)
    diag = h.diagonal()
    diag[np.abs(diag) < 1e-300] = 1.0
    op = LinearOperator((h.size, h.size), matvec=lambda v: h.matvec(v.reshape(-1, 1))[:, 0],
                        dtype=np.result_type(rhs, h.op))
    jacobi = LinearOperator((h.size, h.size), matvec=lambda v: v / diag, dtype=op.dtype)
    sol, _ = gmres(op, rhs, x0=x0, rtol=rtol, atol=0.0, restart=30, maxiter=10, M=jacobi)
    return sol


def residual_rank(h: LocalOperator, rhs: np.ndarray, sol: np.ndarray, factors: tuple[Any, Any, Any],
                  rank: int, rtol: float, max_rank: int) -> tuple[int, float]:
    """The rank at which the SVD ``factors`` of the solved core ``sol`` keep the local
    residual within reach of rtol: a Frobenius cut of rtol can raise the residual by the
    local condition number, so the rank grows (by a quarter at a time) until the truncated
    core's residual is at most ``max(rtol ||rhs|| / 2, 2 ||rhs - H sol||)``. Returns the
    rank and the relative norm cut."""
    u, s, vh = factors
    floor = float(np.linalg.norm(rhs - h.matvec(sol.reshape(-1, 1))[:, 0]))
    goal = max(0.5 * rtol * float(np.linalg.norm(rhs)), 2.0 * floor)
    while rank < min(s.size, max_rank):
        trial = (u[:, :rank] * s[:rank]) @ vh[:rank]
        if np.linalg.norm(rhs - h.matvec(trial.reshape(-1, 1))[:, 0]) <= goal:
            break
        rank = min(rank + max(1, rank // 4), s.size, max_rank)
    return rank, float(np.sqrt(np.sum(s[rank:] ** 2) / max(np.sum(s**2), 1e-300)))


def check_system(A: Any, b: Any, x0: Any, who: str) -> tuple[int, ...]:
    """The modes of A x = b, with A, b and x0 checked."""
    shape = square_operator(A, who)
    if not isinstance(b, TT):
        msg = f"{who}: b must be a TT, got {type(b).__name__}"
        raise TypeError(msg)
    if b.shape != shape:
        msg = f"{who}: b has shape {b.shape}, A acts on {shape}"
        raise ShapeError(msg)
    if x0 is not None and (not isinstance(x0, TT) or x0.shape != shape):
        msg = f"{who}: x0 must be a TT of shape {shape}"
        raise ArgumentError(msg)
    return shape


def amen(
    A: TTMatrix, b: TT, *, x0: TT | None = None, rtol: float = 1e-8, max_rank: int = 100,
    max_sweeps: int = 20, kick_rank: int = 4, rng: Any = None,
    callback: Callable[[SweepRecord], Any] | None = None, progress: bool = False,
) -> SolveResult:
    """Solve ``A x = b`` for a square TT-matrix A and a TT b by AMEn.

    Each sweep visits the cores left to right. At core k the local system (A projected on
    the current left and right interfaces of x) is solved, by LU up to 300 unknowns and by
    Jacobi-preconditioned GMRES from the current core above; the new core is truncated by
    SVD to ``rtol`` and then enriched by ``kick_rank`` directions of the residual
    ``b - A x`` projected on the left interface of x and the right interface of an auxiliary
    train z, itself a rank-``kick_rank`` ALS approximation of the residual updated in the
    same sweep. The enrichment gives the next core's local problem the directions the
    residual needs, so the ranks grow as the error demands. A right-to-left QR pass then
    prepares the next sweep.

    Reference: S. V. Dolgov, D. V. Savostyanov, "Alternating minimal energy methods for linear
    systems in higher dimensions", SIAM J. Sci. Comput. 36(5), A2248-A2271 (2014).

    Parameters
    ----------
    A : TTMatrix
        Square modes; need not be symmetric (for SPD A the local problems minimize the
        energy norm of the error, the method's namesake).
    b : TT
        Right-hand side, modes matching A's columns.
    x0 : TT, optional
        Start (default: a random rank-2 train).
    rtol : float
        Stop when every local system of a sweep had relative residual ``||b_k - A_k x_k|| /
        ||b_k||`` at most ``rtol`` before its solve; also the truncation accuracy.
    max_rank : int
        Cap on the ranks of x.
    max_sweeps : int
    kick_rank : int
        Rank of the residual approximation z (enrichment size).
    rng : int, Generator or None
        Seeds the random start and z.
    callback, progress
        As in :func:`eigsh`.

    Returns
    -------
    SolveResult
        With ``residual = ||b - A x|| / ||b||`` computed in the TT format.

    Complexity: per core O(r^3 R n (1 + R n / r)) per local product, rank r of x, R of A.
    """
    who = "solve.amen"
    shape = check_system(A, b, x0, who)
    rtol = check_tol(rtol, who)
    max_rank = check_max_rank(max_rank, who)
    max_sweeps = check_count(max_sweeps, "max_sweeps", who, 1)
    kick_rank = check_count(kick_rank, "kick_rank", who, 1)
    gen = np.random.default_rng(rng)
    dtype = np.result_type(A.dtype, b.dtype, np.float64)
    if b.norm() == 0:
        zero = TT._trusted([np.zeros((1, n, 1), dtype=dtype) for n in shape])
        return SolveResult(zero, 0.0, True, 0, 0, ())
    d = len(shape)
    ops = [np.asarray(c, dtype=dtype) for c in A.cores]
    bs = [np.asarray(c, dtype=dtype) for c in b.cores]
    start = x0 if x0 is not None else random_train(shape, 2, gen, dtype)
    xs = [np.asarray(c, dtype=dtype) for c in start.cores]
    zs = [np.asarray(c, dtype=dtype) for c in random_train(shape, kick_rank, gen, dtype).cores]
    state = _State(ops, bs, xs, zs)

    def sweep() -> tuple[float, float, int, int]:
        worst_res, worst_cut, used = 0.0, 0.0, 0
        for k in range(d):
            res, cut, n = state.update(k, rtol, max_rank, d)
            worst_res, worst_cut, used = max(worst_res, res), max(worst_cut, cut), used + n
        state.orthogonalize_right()
        return worst_res, worst_cut, used, max(c.shape[2] for c in state.x)

    return run_sweeps(sweep, A, b, lambda: state.x, rtol, max_sweeps, callback, progress, who)


def run_sweeps(sweep: Callable[[], tuple[float, float, int, int]], A: TTMatrix, b: TT,
               cores: Callable[[], list[np.ndarray]], rtol: float, max_sweeps: int, callback: Any,
               progress: bool, who: str) -> SolveResult:
    """The sweep loop of the TT linear solvers: ``sweep()`` returns the worst relative local
    residual (before the solves), the worst cut, the products used and the largest rank;
    the loop stops when that residual is at most rtol, at max_sweeps (ConvergenceWarning) or
    when the callback returns True. The result's residual ``||b - A x|| / ||b||`` is
    computed in the TT format."""
    t0 = time.perf_counter()
    history: list[SweepRecord] = []
    n_matvecs, converged, stop = 0, False, False
    bar = progress_bar(progress, max_sweeps, who)
    for number in range(1, max_sweeps + 1):
        worst_res, worst_cut, used, rank = sweep()
        n_matvecs += used
        record = SweepRecord(number, np.empty(0), worst_res, worst_cut, rank, n_matvecs, time.perf_counter() - t0)
        stop = record_step(history, record, bar, callback, residual=worst_res, rank=rank)
        converged = worst_res <= rtol
        if converged or stop:
            break
    if bar is not None:
        bar.close()
    x = TT._trusted([np.ascontiguousarray(c) for c in cores()])
    residual = float((b - A @ x).norm(accurate=True) / b.norm(accurate=True))
    if not converged and not stop:
        warnings.warn(f"{who}: not converged after {len(history)} sweeps (local residual "
                      f"{history[-1].residual:.2e} > rtol = {rtol:.1e})", ConvergenceWarning,
                      stacklevel=3)
    return SolveResult(x, residual, converged, len(history), n_matvecs, tuple(history))


def random_train(shape: tuple[int, ...], rank: int, gen: np.random.Generator, dtype: Any) -> TT:
    d = len(shape)
    ranks = [1] + [rank] * (d - 1) + [1]
    return TT._trusted([gen.standard_normal((ranks[i], n, ranks[i + 1])).astype(dtype)
                        for i, n in enumerate(shape)])


class _State:
    """x (orthogonality center moving right), the residual approximation z, and the
    environments <x|A|x>, <x|b>, <z|A|x>, <z|b> from both sides."""

    def __init__(self, ops: list[np.ndarray], bs: list[np.ndarray], xs: list[np.ndarray],
                 zs: list[np.ndarray]) -> None:
        self.op, self.b, self.x, self.z = ops, bs, xs, zs
        d = len(xs)
        one = np.ones((1, 1, 1), dtype=xs[0].dtype)
        self.left = {key: [one] + [None] * (d - 1) for key in ("xax", "xb", "zax", "zb")}
        self.right = {key: [None] * (d - 1) + [one] for key in ("xax", "xb", "zax", "zb")}
        self.orthogonalize_right()

    def orthogonalize_right(self) -> None:
        """Make x and z right-orthonormal from the last core to core 1 and rebuild the right
        environments (the norm of x ends in its first core)."""
        for k in range(len(self.x) - 1, 0, -1):
            for name in ("x", "z"):
                cores = getattr(self, name)
                c = cores[k]
                q, r = thin_qr(c.reshape(c.shape[0], -1).T)
                cores[k] = q.T.reshape(-1, c.shape[1], c.shape[2])
                cores[k - 1] = np.tensordot(cores[k - 1], r.T, axes=([2], [0]))
            self._right_envs(k)

    def _right_envs(self, k: int) -> None:
        x, z, a, b = self.x[k], self.z[k], self.op[k], _as_op(self.b[k])
        one = np.ones((1, 1, 1), dtype=x.dtype)
        self.right["xax"][k - 1] = right_env(self.right["xax"][k], x, a, x)
        self.right["zax"][k - 1] = right_env(self.right["zax"][k], z, a, x)
        self.right["xb"][k - 1] = right_env(self.right["xb"][k], x, b, one)
        self.right["zb"][k - 1] = right_env(self.right["zb"][k], z, b, one)

    def _left_envs(self, k: int) -> None:
        x, z, a, b = self.x[k], self.z[k], self.op[k], _as_op(self.b[k])
        one = np.ones((1, 1, 1), dtype=x.dtype)
        self.left["xax"][k + 1] = left_env(self.left["xax"][k], x, a, x)
        self.left["zax"][k + 1] = left_env(self.left["zax"][k], z, a, x)
        self.left["xb"][k + 1] = left_env(self.left["xb"][k], x, b, one)
        self.left["zb"][k + 1] = left_env(self.left["zb"][k], z, b, one)

    def update(self, k: int, rtol: float, max_rank: int, d: int) -> tuple[float, float, int]:
        """Solve at core k, update z there, truncate and enrich, move right; returns the
        relative local residual before the solve, the norm truncated and the products used."""
        L, R = self.left, self.right
        x = self.x[k]
        h = LocalOperator(L["xax"][k], self.op[k], R["xax"][k])
        rhs = _rhs(L["xb"][k], self.b[k], R["xb"][k])
        norm_rhs = float(np.linalg.norm(rhs))
        before = float(np.linalg.norm(rhs - h.matvec(x.reshape(-1, 1))[:, 0])) / max(norm_rhs, 1e-300)
        sol = _local_solve(h, rhs, x.reshape(-1), 0.1 * rtol) if before > 0.1 * rtol else x.reshape(-1)
        r0, n, r1 = x.shape
        sol = sol.reshape(r0, n, r1)
        # z: the residual of the new x projected on z's own interfaces
        hz = LocalOperator(L["zax"][k], self.op[k], R["zax"][k])
        zres = _rhs(L["zb"][k], self.b[k], R["zb"][k]) - hz.matvec(sol.reshape(-1, 1))[:, 0]
        used = h.n_matvecs + hz.n_matvecs + 1
        if k == d - 1:
            self.x[k] = sol
            return before, 0.0, used
        # (z[k+1] is overwritten at the next core, so its factor is not carried)
        qz, _ = thin_qr(zres.reshape(-1, R["zax"][k].shape[0]))
        self.z[k] = qz.reshape(L["zax"][k].shape[0], n, -1)
        # truncate the solution core, then enrich it with the residual on (x left, z right)
        u, s, vh = svd(sol.reshape(r0 * n, r1))
        rank, cut = truncation_rank(s, rtol, max_rank)
        # A Frobenius cut of rtol can raise the local residual by the local condition
        # number: grow the rank until the truncated core's residual is within reach of rtol.
        rank, cut = residual_rank(h, rhs, sol, (u, s, vh), rank, rtol, max_rank)
        u, carry = u[:, :rank], s[:rank, None] * vh[:rank]
        he = LocalOperator(L["xax"][k], self.op[k], R["zax"][k])
        enrich = _rhs(L["xb"][k], self.b[k], R["zb"][k]) - he.matvec(sol.reshape(-1, 1))[:, 0]
        used += he.n_matvecs
        enrich = enrich.reshape(r0 * n, -1)
        enrich = enrich - u @ (u.conj().T @ enrich)
        q, rr = thin_qr(np.hstack([u, enrich]))
        room = max(rank, min(max_rank, q.shape[1]))
        q, rr = q[:, :room], rr[:room]
        self.x[k] = q.reshape(r0, n, -1)
        nxt = np.tensordot(carry, self.x[k + 1], axes=([1], [0]))
        pad = np.zeros((rr.shape[1] - rank,) + nxt.shape[1:], dtype=nxt.dtype)
        self.x[k + 1] = np.tensordot(rr, np.concatenate([nxt, pad]), axes=([1], [0]))
        self._left_envs(k)
        return before, cut, used
