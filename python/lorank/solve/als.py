# SPDX-License-Identifier: MIT
"""Linear systems ``A x = b`` in the TT format by two-site alternating least squares (MALS,
the DMRG scheme for linear systems): neighbouring cores solved together, then split by a
truncated SVD, so the ranks adapt without an auxiliary residual train."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from lorank.solve._checks import check_count, check_max_rank, check_tol
from lorank.solve._local import (
    LocalOperator,
    left_env,
    merge_pair,
    right_env,
    svd,
    thin_qr,
    truncation_rank,
)
from lorank.solve._results import SolveResult, SweepRecord
from lorank.solve.linear import (
    _as_op,
    _local_solve,
    _rhs,
    check_system,
    random_train,
    residual_rank,
    run_sweeps,
)
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT

__all__ = ["als"]


def _merge_cores(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Two train cores as one with mode ``n1 n2``."""
    r0, n1, _ = a.shape
    _, n2, r2 = b.shape
    return np.tensordot(a, b, axes=([2], [0])).reshape(r0, n1 * n2, r2)


def als(
    A: TTMatrix, b: TT, *, x0: TT | None = None, rtol: float = 1e-8, max_rank: int = 100,
    max_sweeps: int = 20, rng: Any = None, callback: Callable[[SweepRecord], Any] | None = None,
    progress: bool = False,
) -> SolveResult:
    """Solve ``A x = b`` for a square TT-matrix A by two-site ALS (MALS / DMRG).

    Sweeps visit the pairs of neighbouring cores left to right and back. At a pair the
    system projected on the current left and right interfaces of x (a Galerkin projection;
    for SPD A it minimizes the energy norm of the error) is solved for the merged core, by
    LU up to 300 unknowns and by Jacobi-preconditioned GMRES from the current pair above;
    the solution is split by an SVD truncated to ``rtol`` (the rank grown until the local
    residual stays within reach of rtol, as in :func:`amen`) and the orthogonality center
    moves on. Local problems are n times larger than AMEn's one-site problems; in exchange
    no residual train is needed and the ranks adapt by the SVD alone.

    References: S. Holtz, T. Rohwedder, R. Schneider, "The alternating linear scheme for
    tensor optimization in the tensor train format", SIAM J. Sci. Comput. 34(2), 2012
    (MALS); I. V. Oseledets, S. V. Dolgov, "Solution of linear systems and matrix inversion
    in the TT-format", SIAM J. Sci. Comput. 34(5), 2012.

    Parameters
    ----------
    A, b, x0, rtol, max_rank, max_sweeps, rng, callback, progress
        As in :func:`amen` (x0 default: a random rank-2 train). The sweeps stop when every
        pair of a sweep had local relative residual at most ``rtol`` before its solve.

    Returns
    -------
    SolveResult
        With ``residual = ||b - A x|| / ||b||`` computed in the TT format.

    Complexity: per pair O(r^3 R n^2 (1 + R n^2 / r)) per local product.
    """
    who = "solve.als"
    shape = check_system(A, b, x0, who)
    rtol = check_tol(rtol, who)
    max_rank = check_max_rank(max_rank, who)
    max_sweeps = check_count(max_sweeps, "max_sweeps", who, 1)
    gen = np.random.default_rng(rng)
    dtype = np.result_type(A.dtype, b.dtype, np.float64)
    d = len(shape)
    if b.norm() == 0:
        return SolveResult(TT._trusted([np.zeros((1, n, 1), dtype=dtype) for n in shape]), 0.0, True, 0, 0, ())
    if d == 1:  # no pair: the system is its own local problem
        x = TT._trusted([np.linalg.solve(A.full(), b.full()).reshape(1, -1, 1).astype(dtype)])
        return SolveResult(x, float((b - A @ x).norm() / b.norm()), True, 1, 1, ())
    start = x0 if x0 is not None else random_train(shape, 2, gen, dtype)
    pairs = _Pairs([np.asarray(c, dtype=dtype) for c in A.cores], [np.asarray(c, dtype=dtype) for c in b.cores],
                   [np.array(c, dtype=dtype) for c in start.cores])
    positions = list(range(d - 1)) + list(range(d - 3, 0, -1))

    def sweep() -> tuple[float, float, int, int]:
        worst_res, worst_cut, used = 0.0, 0.0, 0
        for j, i in enumerate(positions):
            right = positions[(j + 1) % len(positions)] > i  # d = 2: always left, center stays at 0
            res, cut, n = pairs.solve(i, right, rtol, max_rank)
            worst_res, worst_cut, used = max(worst_res, res), max(worst_cut, cut), used + n
        return worst_res, worst_cut, used, max(c.shape[2] for c in pairs.x)

    return run_sweeps(sweep, A, b, lambda: pairs.x, rtol, max_sweeps, callback, progress, who)


class _Pairs:
    """x with its orthogonality center on a pair of cores, and the environments <x|A|x>,
    <x|b> from both sides."""

    def __init__(self, ops: list[np.ndarray], bs: list[np.ndarray], xs: list[np.ndarray]) -> None:
        self.op, self.b, self.x = ops, bs, xs
        d = len(xs)
        one = np.ones((1, 1, 1), dtype=xs[0].dtype)
        self.left = {key: [one] + [None] * (d - 1) for key in ("xax", "xb")}
        self.right = {key: [None] * (d - 1) + [one] for key in ("xax", "xb")}
        self.recenter()

    def recenter(self) -> None:
        """Center at core 0: right-orthonormalize cores d-1 .. 1 and their environments."""
        for k in range(len(self.x) - 1, 0, -1):
            c = self.x[k]
            q, r = thin_qr(c.reshape(c.shape[0], -1).T)
            self.x[k] = q.T.reshape(-1, c.shape[1], c.shape[2])
            self.x[k - 1] = np.tensordot(self.x[k - 1], r.T, axes=([2], [0]))
            self._right_envs(k)

    def _right_envs(self, k: int) -> None:
        one = np.ones((1, 1, 1), dtype=self.x[k].dtype)
        self.right["xax"][k - 1] = right_env(self.right["xax"][k], self.x[k], self.op[k], self.x[k])
        self.right["xb"][k - 1] = right_env(self.right["xb"][k], self.x[k], _as_op(self.b[k]), one)

    def _left_envs(self, k: int) -> None:
        one = np.ones((1, 1, 1), dtype=self.x[k].dtype)
        self.left["xax"][k + 1] = left_env(self.left["xax"][k], self.x[k], self.op[k], self.x[k])
        self.left["xb"][k + 1] = left_env(self.left["xb"][k], self.x[k], _as_op(self.b[k]), one)

    def solve(self, i: int, right: bool, rtol: float, max_rank: int) -> tuple[float, float, int]:
        """Solve the pair (i, i+1), split it, move the center right (or left); returns the
        relative local residual before the solve, the norm cut and the products used."""
        L, R = self.left, self.right
        h = LocalOperator(L["xax"][i], merge_pair(self.op[i], self.op[i + 1]), R["xax"][i + 1])
        rhs = _rhs(L["xb"][i], _merge_cores(self.b[i], self.b[i + 1]), R["xb"][i + 1])
        x2 = _merge_cores(self.x[i], self.x[i + 1]).reshape(-1)
        norm_rhs = max(float(np.linalg.norm(rhs)), 1e-300)
        before = float(np.linalg.norm(rhs - h.matvec(x2.reshape(-1, 1))[:, 0])) / norm_rhs
        sol = _local_solve(h, rhs, x2, 0.1 * rtol) if before > 0.1 * rtol else x2
        r0, n1, n2, r2 = self.x[i].shape[0], self.x[i].shape[1], self.x[i + 1].shape[1], self.x[i + 1].shape[2]
        u, s, vh = svd(sol.reshape(r0 * n1, n2 * r2))
        rank, _ = truncation_rank(s, rtol, max_rank)
        rank, cut = residual_rank(h, rhs, sol, (u, s, vh), rank, rtol, max_rank)
        if right:
            self.x[i] = u[:, :rank].reshape(r0, n1, rank)
            self.x[i + 1] = (s[:rank, None] * vh[:rank]).reshape(rank, n2, r2)
            self._left_envs(i)
        else:
            self.x[i + 1] = vh[:rank].reshape(rank, n2, r2)
            self.x[i] = (u[:, :rank] * s[:rank]).reshape(r0, n1, rank)
            self._right_envs(i + 1)
        return before, cut, h.n_matvecs
