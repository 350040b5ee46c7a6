# SPDX-License-Identifier: MIT
"""Matrix cross (skeleton) approximation: adaptive cross approximation with partial
pivoting, refined by alternating maxvol on the chosen columns and rows."""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, NumericalError, RankError, ShapeError
from lorank.linalg.maxvol import maxvol

__all__ = ["Skeleton", "skeleton"]


@dataclass(frozen=True)
class Skeleton:
    """``A ~ left @ right`` from r rows and r columns of A.

    Attributes
    ----------
    left : array (m, r)
        ``A[:, cols] @ inv(A[rows, cols])``; its rows ``rows`` form the identity.
    right : array (r, n)
        ``A[rows, :]``.
    rows, cols : int64 arrays (r,)
        The pivots.
    n_evals : int
        Entries of A read.
    rel_error_estimate : float
        The first ACA cross left out, relative to the approximation's norm (Frobenius): an
        estimate of the relative error (the last cross taken where max_rank stopped it).
    """

    left: np.ndarray
    right: np.ndarray
    rows: np.ndarray
    cols: np.ndarray
    n_evals: int
    rel_error_estimate: float = field(repr=False)


class _Entries:
    """Rows and columns of A from an array or an entry function f(i, j), counted."""

    def __init__(self, a: Any, shape: Any) -> None:
        self.n_evals = 0
        if callable(a):
            if shape is None or len(tuple(shape)) != 2:
                msg = "skeleton: an entry function needs shape=(m, n)"
                raise ShapeError(msg)
            self.shape = (int(shape[0]), int(shape[1]))
            self.f = a
            self.dense = None
        else:
            arr = np.asarray(a)
            if arr.ndim != 2 or arr.dtype.kind not in "biufc":
                msg = (f"skeleton: a must be a 2-d numeric array or a callable, got {arr.dtype} "
                       f"of shape {arr.shape}")
                raise ShapeError(msg)
            if not np.isfinite(arr).all():
                msg = "skeleton: a contains NaN or Inf"
                raise NumericalError(msg)
            self.dense = arr.astype(np.complex128 if arr.dtype.kind == "c" else np.float64)
            self.shape = arr.shape
        if min(self.shape) < 1:
            msg = f"skeleton: the matrix must not be empty, got shape {self.shape}"
            raise ShapeError(msg)

    def _get(self, i: np.ndarray, j: np.ndarray) -> np.ndarray:
        self.n_evals += len(i)
        if self.dense is not None:
            return self.dense[i, j]
        out = np.asarray(self.f(i, j))
        if out.shape != (len(i),) or out.dtype.kind not in "biufc":
            msg = (f"skeleton: f(i, j) must return {len(i)} numbers, got {out.dtype} of shape "
                   f"{out.shape}")
            raise ShapeError(msg)
        if not np.isfinite(out).all():
            bad = int(np.flatnonzero(~np.isfinite(out))[0])
            msg = f"skeleton: f returned NaN or Inf at (i, j) = ({int(i[bad])}, {int(j[bad])})"
            raise NumericalError(msg)
        return out.astype(np.complex128 if out.dtype.kind == "c" else np.float64)

    def rows(self, idx: np.ndarray) -> np.ndarray:
        """Rows idx of A (len(idx) x n), read in one call."""
        n = self.shape[1]
        i = np.repeat(np.asarray(idx, dtype=np.int64), n)
        j = np.tile(np.arange(n, dtype=np.int64), len(idx))
        return self._get(i, j).reshape(len(idx), n)

    def cols(self, idx: np.ndarray) -> np.ndarray:
        """Columns idx of A (m x len(idx)), read in one call."""
        m = self.shape[0]
        i = np.tile(np.arange(m, dtype=np.int64), len(idx))
        j = np.repeat(np.asarray(idx, dtype=np.int64), m)
        return self._get(i, j).reshape(len(idx), m).T

    def row(self, i: int) -> np.ndarray:
        return self.rows(np.array([i]))[0]

    def col(self, j: int) -> np.ndarray:
        return self.cols(np.array([j]))[:, 0]


def skeleton(
    a: np.ndarray | Callable[[np.ndarray, np.ndarray], Any], shape: tuple[int, int] | None = None,
    *, rtol: float = 1e-8, max_rank: int | None = None, refine: int = 2, rng: Any = None,
) -> Skeleton:
    """Cross (skeleton) approximation ``A ~ A[:, J] inv(A[I, J]) A[I, :]`` of a matrix given
    by its entries.

    Parameters
    ----------
    a : array (m, n) or callable
        The matrix, or ``f(i, j)`` returning ``A[i[k], j[k]]`` for int64 arrays i, j.
    shape : (m, n), optional
        Needed with a callable.
    rtol : float, default 1e-8
        Stop before a cross that would change the approximation by at most ``rtol`` of its
        Frobenius norm.
    max_rank : int, optional
        Most crosses (default min(m, n)).
    refine : int, default 2
        Rounds of maxvol refinement after the crosses: rows by maxvol on the chosen columns,
        then columns by maxvol on the chosen rows (each round reads r (m + n) entries).
    rng : int, Generator or None
        Picks the first row.

    Returns
    -------
    Skeleton
        ``left`` (m x r), ``right`` (r x n), the pivots, the entries read and the error
        estimate.

    Notes
    -----
    Adaptive cross approximation with partial pivoting (Bebendorf, Numer. Math. 86 (2000)
    565-589): each step reads one residual row and one residual column, O((m + n) r) work;
    the maxvol refinement follows Goreinov, Oseledets, Savostyanov et al. (2010), so the
    pivots approach a dominant r x r submatrix, whose cross error is within (r + 1) times
    the best rank-r error in the Chebyshev norm (Goreinov and Tyrtyshnikov 2001).

    Examples
    --------
    >>> import numpy as np, lorank
    >>> x = np.linspace(0, 1, 300)
    >>> a = 1 / (1 + x[:, None] + x[None, :])
    >>> sk = lorank.linalg.skeleton(a, rtol=1e-10)
    >>> bool(np.abs(sk.left @ sk.right - a).max() < 1e-8), len(sk.rows) < 20
    (True, True)
    """
    if not (isinstance(rtol, numbers.Real) and 0.0 < rtol < 1.0):
        msg = f"skeleton: rtol must be in (0, 1), got {rtol!r}"
        raise ArgumentError(msg)
    entries = _Entries(a, shape)
    m, n = entries.shape
    cap = min(m, n) if max_rank is None else int(max_rank)
    if isinstance(max_rank, bool) or cap < 1:
        msg = f"skeleton: max_rank must be a positive integer, got {max_rank!r}"
        raise ArgumentError(msg)
    if isinstance(refine, bool) or not isinstance(refine, numbers.Integral) or refine < 0:
        msg = f"skeleton: refine must be an integer >= 0, got {refine!r}"
        raise ArgumentError(msg)
    cap = min(cap, m, n)
    gen = np.random.default_rng(rng)
    rows, cols, estimate = _aca(entries, cap, rtol, int(gen.integers(0, m)))
    if not rows:  # the matrix is zero where ACA looked: a rank-1 skeleton of zeros
        rows, cols = [0], [0]
    rows_a, cols_a = np.array(rows, dtype=np.int64), np.array(cols, dtype=np.int64)
    c = entries.cols(cols_a)
    for _ in range(int(refine)):
        rows_a = _maxvol_rows(c, rows_a)
        r = entries.rows(rows_a)
        new_cols = _maxvol_rows(r.T, cols_a)
        if set(new_cols.tolist()) == set(cols_a.tolist()):
            break
        cols_a = new_cols
        c = entries.cols(cols_a)
    rows_a = _maxvol_rows(c, rows_a)
    right = entries.rows(rows_a)
    core = c[rows_a]
    left = np.linalg.solve(core.T, c.T).T if np.linalg.matrix_rank(core) == len(rows_a) else \
        c @ np.linalg.pinv(core)
    return Skeleton(left, right, rows_a, cols_a, entries.n_evals, estimate)


def _aca(entries: _Entries, cap: int, rtol: float, first: int) -> tuple[list[int], list[int], float]:
    """ACA with partial pivoting: pivots and the last update's relative size."""
    m, n = entries.shape
    us: list[np.ndarray] = []
    vs: list[np.ndarray] = []
    rows: list[int] = []
    cols: list[int] = []
    norm2, estimate = 0.0, math.inf
    i, tried = first, 0
    used_rows = np.zeros(m, dtype=bool)
    while len(rows) < cap and tried < m:
        used_rows[i] = True
        tried += 1
        row = entries.row(i)
        for u, v in zip(us, vs):
            row = row - u[i] * v
        j = int(np.argmax(np.abs(row)))
        pivot = row[j]
        if abs(pivot) == 0.0:  # a zero residual row: try another one
            free = np.flatnonzero(~used_rows)
            if free.size == 0:
                break
            i = int(free[0])
            continue
        col = entries.col(j)
        for u, v in zip(us, vs):
            col = col - v[j] * u
        u_new, v_new = col / pivot, row
        # ||A_k||^2 = ||A_{k-1}||^2 + 2 Re sum_l <u_new, u_l><v_l, v_new> + ||u_new||^2 ||v_new||^2
        cross_terms = sum(np.vdot(u_l, u_new) * np.vdot(v_new, v_l) for u_l, v_l in zip(us, vs))
        step2 = float(np.vdot(u_new, u_new).real * np.vdot(v_new, v_new).real)
        new_norm2 = max(norm2 + 2.0 * float(np.real(cross_terms)) + step2, step2)
        estimate = math.sqrt(step2 / new_norm2) if new_norm2 > 0 else 0.0
        if us and estimate <= rtol:
            break  # a cross this small is noise for the request: left out
        norm2 = new_norm2
        us.append(u_new)
        vs.append(v_new)
        rows.append(i)
        cols.append(j)
        score = np.abs(u_new)
        score[used_rows] = -1.0
        i = int(np.argmax(score))
        if score[i] < 0:
            break
    return rows, cols, estimate


def _maxvol_rows(c: np.ndarray, start: np.ndarray) -> np.ndarray:
    """Maxvol rows of c (m x r) from `start`; a rank-deficient c keeps `start`."""
    q, _ = np.linalg.qr(c)
    try:
        rows, _ = maxvol(q, tol=1.01, start=start)
    except RankError:  # numerically rank deficient: keep the pivots
        return start
    return rows
