# SPDX-License-Identifier: MIT
"""Maximum-volume row selection: ``maxvol`` (square) and ``rect_maxvol`` (rectangular)."""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np

from lorank._device import array_module, is_cupy
from lorank._validation import check_finite, compute_dtype
from lorank.errors import ArgumentError, ShapeError

__all__ = ["maxvol", "rect_maxvol"]


def _matrix(a: Any, who: str) -> Any:
    if not (hasattr(a, "shape") and hasattr(a, "dtype")):
        a = np.asarray(a)
    if a.ndim != 2:
        msg = f"{who}: a must be a 2-d array, got shape {tuple(a.shape)}"
        raise ShapeError(msg)
    n, r = a.shape
    if r == 0 or n < r:
        msg = f"{who}: a must be tall with at least one column (rows >= columns), got {n} x {r}"
        raise ShapeError(msg)
    xp = array_module(a)
    a = xp.ascontiguousarray(a, dtype=compute_dtype([a.dtype], who))
    check_finite(a, who, "a")
    return a


def _count(value: Any, who: str, name: str, low: int) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral) or value < low:
        msg = f"{who}: {name} must be an integer >= {low}, got {value!r}"
        raise ArgumentError(msg)
    return int(value)


def _kernels(a: Any) -> Any:
    if is_cupy(a):
        from lorank._reference import maxvol as ref

        return ref
    from lorank import _core

    return _core


def _start(start: Any, n: int, who: str) -> list[int]:
    if start is None:
        return []
    rows = np.asarray(start)
    if rows.ndim != 1 or (rows.size and rows.dtype.kind not in "iu"):
        msg = f"{who}: start must be a 1-d sequence of row indices, got {start!r}"
        raise ArgumentError(msg)
    out = [int(i) for i in rows.tolist()]
    if any(i < 0 or i >= n for i in out) or len(set(out)) != len(out):
        msg = f"{who}: start rows must be distinct and in [0, {n}), got {out}"
        raise ArgumentError(msg)
    return out


def maxvol(a: Any, *, tol: float = 1.05, maxiter: int = 100, start: Any = None) -> tuple[Any, Any]:
    """Rows of a tall matrix whose square submatrix has (locally) maximal volume.

    Parameters
    ----------
    a : array (n, r), n >= r, full column rank
        NumPy or CuPy; integers promote to float64.
    tol : float, default 1.05
        Stop when every entry of ``B = a @ inv(a[rows])`` is at most ``tol`` in modulus
        (``tol >= 1``; 1 gives a local maximum of ``|det a[rows]|``).
    maxiter : int, default 100
        Most row swaps.
    start : sequence of r int, optional
        Rows to start the swaps from (kept where they already satisfy ``tol``); ignored
        when their submatrix is numerically singular.

    Returns
    -------
    rows : int64 array (r,)
        The chosen rows (``a[rows]`` is the submatrix).
    coef : array (n, r)
        ``a @ inv(a[rows])``: ``coef @ a[rows] == a`` and ``coef[rows]`` is the identity.

    Raises
    ------
    ShapeError
        ``a`` is not 2-d, is empty or wide.
    RankError
        ``a`` is numerically rank deficient.
    NumericalError
        ``a`` holds NaN or Inf.
    ArgumentError
        ``tol < 1`` or a bad ``maxiter``.

    Notes
    -----
    Gaussian elimination with partial pivoting picks the starting rows (O(n r^2)); each swap
    replaces the row of the entry of ``B`` of largest modulus, which multiplies the volume by
    that modulus, and updates ``B`` by a rank-1 (Sherman-Morrison) correction in O(n r).
    S. A. Goreinov, I. V. Oseledets, D. V. Savostyanov, E. E. Tyrtyshnikov,
    N. L. Zamarashkin, "How to find a good submatrix", in Matrix Methods: Theory, Algorithms
    and Applications, World Scientific, 2010.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> a = np.random.default_rng(0).standard_normal((100, 5))
    >>> rows, coef = lorank.linalg.maxvol(a)
    >>> bool(np.abs(coef).max() <= 1.05) and np.allclose(coef @ a[rows], a)
    True
    """
    who = "maxvol"
    a = _matrix(a, who)
    if not (isinstance(tol, numbers.Real) and tol >= 1.0):
        msg = f"{who}: tol must be a real number >= 1, got {tol!r}"
        raise ArgumentError(msg)
    first = _start(start, a.shape[0], who)
    if first and len(first) != a.shape[1]:
        msg = f"{who}: start must hold {a.shape[1]} rows, got {len(first)}"
        raise ArgumentError(msg)
    iters = _count(maxiter, who, "maxiter", 0)
    if is_cupy(a) and not first:
        from lorank._kernels import cuda_maxvol

        got = cuda_maxvol(a, float(tol), iters)  # the single-block CUDA kernel, if built
        if got is not None:
            return got[0], got[1]
    rows, coef, _ = _kernels(a).maxvol(a, float(tol), iters, first)
    return rows, coef


def rect_maxvol(
    a: Any, *, tol: float = 1.0, max_rank: int | None = None, min_rank: int | None = None,
    maxiter: int = 100, start: Any = None,
) -> tuple[Any, Any]:
    """Rows of a tall matrix forming a rectangular submatrix of large 2-volume.

    Starts from :func:`maxvol` and adds, one at a time, the row with the largest norm in
    ``B = a @ pinv(a[rows])`` until every row of ``B`` has norm at most ``tol``, or
    ``max_rank`` rows are chosen (at least ``min_rank``).

    Parameters
    ----------
    a : array (n, r), n >= r, full column rank
    tol : float, default 1.0
        Bound on the row norms of ``B`` (>= 0).
    max_rank, min_rank : int, optional
        Most and fewest rows to choose (default n and r; clipped to [r, n]).
    maxiter : int, default 100
        Most swaps of the square start.
    start : sequence of int, optional
        A previous choice: the square part starts from the r of these rows that
        :func:`maxvol` picks and the others are added next (up to ``max_rank``), so a
        stable choice stays the same; the greedy additions follow.

    Returns
    -------
    rows : int64 array (k,), r <= k <= max_rank
    coef : array (n, k)
        ``a @ pinv(a[rows])``, so ``coef @ a[rows] == a``.

    Notes
    -----
    Each added row is a rank-1 update of ``B`` and of all row norms, O(n k) work.
    A. Mikhalev, I. V. Oseledets, "Rectangular maximum-volume submatrices and their
    applications", Linear Algebra Appl. 538 (2018) 187-211.
    """
    who = "rect_maxvol"
    a = _matrix(a, who)
    if not (isinstance(tol, numbers.Real) and tol >= 0.0):
        msg = f"{who}: tol must be a real number >= 0, got {tol!r}"
        raise ArgumentError(msg)
    hi = 0 if max_rank is None else _count(max_rank, who, "max_rank", 1)
    lo = 0 if min_rank is None else _count(min_rank, who, "min_rank", 1)
    if hi and lo > hi:
        msg = f"{who}: min_rank ({lo}) must not exceed max_rank ({hi})"
        raise ArgumentError(msg)
    rows, coef, _ = _kernels(a).rect_maxvol(
        a, float(tol), lo, hi, _count(maxiter, who, "maxiter", 0), _start(start, a.shape[0], who))
    return rows, coef
