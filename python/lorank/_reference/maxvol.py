# SPDX-License-Identifier: MIT
"""Reference maxvol and rect_maxvol in array code (NumPy, or CuPy for GPU arrays): the same
steps as ``lorank::cross`` (Gaussian-elimination start, Sherman-Morrison swaps, greedy
rectangular additions), same signatures as the compiled ``maxvol`` / ``rect_maxvol``."""

from __future__ import annotations

from typing import Any

import numpy as np

from lorank._device import array_module
from lorank.errors import RankError


def _lu_pivots(a: Any) -> Any:
    """Pivot rows of Gaussian elimination with partial pivoting on the tall matrix a."""
    xp = array_module(a)
    w = a.copy()
    n, r = a.shape
    order = xp.arange(n)
    amax = float(xp.abs(a).max()) if a.size else 0.0
    floor = r * float(np.finfo(a.dtype).eps) * amax
    for j in range(r):
        col = xp.abs(w[order[j:], j])
        p = j + int(col.argmax())
        best = float(col.max())
        if not best > floor:
            msg = (f"maxvol: the matrix must have full column rank; column {j} depends on the "
                   f"previous ones (pivot {best:.3g}, max |A| {amax:.3g})")
            raise RankError(msg)
        order[[j, p]] = order[[p, j]]
        rows = order[j + 1:]
        m = w[rows, j] / w[order[j], j]
        w[rows, j + 1:] -= xp.outer(m, w[order[j], j + 1:])
        w[rows, j] = 0
    return order[:r]


def _start_coef(a: Any, start: Any) -> Any:
    """a @ inv(a[start]), or None where a[start] is numerically singular."""
    xp = array_module(a)
    sub = a[start]
    s = xp.linalg.svd(sub, compute_uv=False)
    if not float(s[-1]) > len(start) * float(np.finfo(a.dtype).eps) * float(xp.abs(sub).max()):
        return None
    c = xp.linalg.solve(sub.T, a.T).T
    c[start] = xp.eye(len(start), dtype=a.dtype)
    return c


def maxvol(a: Any, tol: float, maxiter: int, start: Any = ()) -> tuple[Any, Any, int]:
    """(rows, coef, swaps): coef = a @ inv(a[rows]), every |entry| <= tol on return unless
    maxiter swaps ran out; the swaps start from `start` where it is given and nonsingular."""
    xp = array_module(a)
    n, r = a.shape
    c = _start_coef(a, xp.asarray(start, dtype=np.int64)) if len(start) else None
    if c is not None:
        rows = xp.asarray(start, dtype=np.int64).copy()
    else:
        rows = _lu_pivots(a)
        c = xp.linalg.solve(a[rows].T, a.T).T
    swaps = 0
    while swaps < maxiter:
        flat = int(xp.abs(c).argmax())
        i, j = divmod(flat, r)
        if float(abs(c[i, j])) <= tol:
            break
        row = c[i].copy()
        row[j] -= 1
        c -= xp.outer(c[:, j], row / c[i, j])
        rows[j] = i
        swaps += 1
    return rows, c, swaps


def rect_maxvol(a: Any, tol: float, min_rows: int, max_rows: int, maxvol_iter: int,
                start: Any = ()) -> tuple[Any, Any, int]:
    """(rows, coef, added): coef = a @ pinv(a[rows]) with every row norm <= tol outside rows,
    or max_rows rows chosen; at least min_rows. Start rows: the square part begins from the
    r of them maxvol picks, the others are added first."""
    xp = array_module(a)
    n, r = a.shape
    max_rows = min(max(n if max_rows <= 0 else max_rows, r), n)
    min_rows = min(max(min_rows, r), max_rows)
    start = [int(i) for i in start]
    square: list[int] = []
    if len(start) >= r:
        try:
            square = [start[p] for p in maxvol(a[start], 1.05, maxvol_iter)[0].tolist()]
        except RankError:
            square = []
    rows, c, _ = maxvol(a, 1.05, maxvol_iter, square)
    rows = [int(i) for i in rows.tolist()]
    queue = [i for i in start if i not in rows]
    norm2 = (xp.abs(c) ** 2).sum(axis=1)
    norm2[rows] = 0
    while len(rows) < max_rows:
        if queue:
            i = queue.pop(0)
        else:
            i = int(norm2.argmax())
            if float(norm2[i]) <= tol * tol and len(rows) >= min_rows:
                break
            if i in rows:
                i = next(j for j in range(n) if j not in rows)
        ci = c[i].copy()
        v = c @ ci.conj()
        denom = 1.0 + float(v[i].real)
        c = xp.concatenate([c - xp.outer(v / denom, ci), (v / denom)[:, None]], axis=1)
        norm2 = xp.maximum(norm2 - xp.abs(v) ** 2 / denom, 0)
        rows.append(i)
        norm2[rows] = 0
    return xp.asarray(rows), c, len(rows) - r
