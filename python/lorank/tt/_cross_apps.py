# SPDX-License-Identifier: MIT
"""Conveniences over :func:`lorank.tt.cross`: functions of real variables on a grid, and
elementwise functions of existing tensor trains."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

import numpy as np

from lorank._results import CrossResult
from lorank.errors import ShapeError
from lorank.tt._cross import cross
from lorank.tt.tensor import TT

__all__ = ["cross_function", "cross_map"]


def cross_function(func: Callable[[np.ndarray], Any], grids: Sequence[Any],
                   **options: Any) -> CrossResult:
    """Tensor train of ``func`` sampled on the tensor-product grid ``grids``.

    Parameters
    ----------
    func : callable
        ``func(points)`` takes a float array ``(batch, d)`` of grid points and returns
        ``batch`` values.
    grids : sequence of 1-d arrays
        The points of each variable (d arrays; their lengths are the mode sizes).
    **options
        Passed to :func:`lorank.tt.cross` (``rtol``, ``max_rank``, ``max_evals``, ``rng``,
        ...).

    Returns
    -------
    CrossResult
        Entry ``(i_1, ..., i_d)`` of ``result.tt`` approximates
        ``func(grids[0][i_1], ..., grids[d-1][i_d])``.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> x = np.linspace(0, 1, 32)
    >>> res = lorank.tt.cross_function(lambda p: np.exp(-p.sum(axis=1)), [x] * 5, rng=0)
    >>> max(res.tt.ranks)
    1
    """
    if isinstance(grids, np.ndarray) and grids.ndim != 1:
        grids = list(grids)
    axes = [np.asarray(g, dtype=float) for g in grids]
    if not axes or any(g.ndim != 1 or g.size == 0 for g in axes):
        msg = "cross_function: grids must be a non-empty sequence of non-empty 1-d arrays"
        raise ShapeError(msg)

    def on_grid(idx: np.ndarray) -> Any:
        points = np.column_stack([g[idx[:, k]] for k, g in enumerate(axes)])
        return func(points)

    return cross(on_grid, [len(g) for g in axes], **options)


def cross_map(func: Callable[..., Any], xs: TT | Sequence[TT], **options: Any) -> CrossResult:
    """Tensor train of ``func`` applied entrywise to one or more trains of one shape.

    Parameters
    ----------
    func : callable
        ``func(a, b, ...)`` takes one 1-d array of entries per train (the same multi-indices
        in each) and returns as many values: ``np.exp``, ``lambda a: 1 / a``,
        ``lambda a, b: a * np.sin(b)``.
    xs : TT or sequence of TT
        The arguments.
    **options
        Passed to :func:`lorank.tt.cross`; with ``method='maxvol'`` or ``'dmrg'``, ``x0``
        defaults to the first train (its maxvol indices start the sweeps).

    Returns
    -------
    CrossResult

    Notes
    -----
    Entries are read by :meth:`TT.at` (O(d r^2) each), so each sweep costs
    O(d r^2) per entry besides the cross itself. I. Oseledets, E. Tyrtyshnikov, Linear
    Algebra Appl. 432 (2010) 70-88.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> x = lorank.tt.cross_function(lambda p: 1 + p.sum(axis=1), [np.linspace(0, 1, 8)] * 4).tt
    >>> inv = lorank.tt.cross_map(lambda a: 1 / a, x, rtol=1e-10, rng=0).tt
    >>> bool(abs(inv[1, 2, 3, 4] * x[1, 2, 3, 4] - 1) < 1e-8)
    True
    """
    trains = [xs] if isinstance(xs, TT) else list(xs)
    if not trains or not all(isinstance(t, TT) for t in trains):
        msg = "cross_map: xs must be a TT or a non-empty sequence of TTs"
        raise ShapeError(msg)
    shape = trains[0].shape
    for t in trains[1:]:
        if t.shape != shape:
            msg = f"cross_map: trains must share one shape, got {shape} and {t.shape}"
            raise ShapeError(msg)
    if options.get("method", "greedy") != "greedy":
        options.setdefault("x0", trains[0])

    def entries(idx: np.ndarray) -> Any:
        return func(*[t.at(idx) for t in trains])

    return cross(entries, shape, **options)
