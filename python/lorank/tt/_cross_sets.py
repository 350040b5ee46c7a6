# SPDX-License-Identifier: MIT
"""Index sets of cross approximation: fibers of multi-indices, their extensions, and the
choice of the next set (a basis of the fiber's range, then maxvol)."""

from __future__ import annotations

import numpy as np

from lorank import _core


def basis(m: np.ndarray, local: float, gen: np.random.Generator) -> np.ndarray:
    """Orthonormal basis of the numerical range of m (rows x cols): its left singular
    vectors above rtol; a random direction for an all-zero fiber (to explore)."""
    u, s, _ = np.linalg.svd(m, full_matrices=False)
    if s.size == 0 or s[0] == 0.0:
        q, _ = np.linalg.qr(gen.standard_normal((m.shape[0], 1)).astype(m.dtype))
        return q
    scaled = s / s[0]  # squares of values near 1e300 would overflow
    tail = np.sqrt(np.cumsum((scaled**2)[::-1]))[::-1]  # tail[j] = ||s[j:]|| / s[0]
    rank = int(np.count_nonzero(tail > local * tail[0]))
    return u[:, : max(rank, 1)]


def choose(q: np.ndarray, max_rank: int, previous: list[int]) -> tuple[np.ndarray, np.ndarray]:
    """Maxvol rows of the basis q (at most max_rank columns), starting from the best of the
    previous sweep's rows: a good set stays, and its fibers stay cached."""
    q = np.ascontiguousarray(q[:, : min(q.shape[1], max_rank)])
    rows, coef, _ = _core.rect_maxvol(q, 0.0, 0, q.shape[1], 100, previous)
    return rows, coef


def positions(base: np.ndarray, n: int, previous: np.ndarray | None, forward: bool) -> list[int]:
    """Where the rows of `previous` (last sweep's index set at this bond) sit among this
    fiber's candidate rows: (base[a], i) at a * n + i going forward, (i, base[b]) at
    i * len(base) + b going backward; rows whose base part left the set are skipped."""
    if previous is None or previous.shape[1] != base.shape[1] + 1:
        return []
    where = {row.tobytes(): a for a, row in enumerate(base)}
    out = []
    for row in previous:
        part, i = (row[:-1], row[-1]) if forward else (row[1:], row[0])
        a = where.get(np.ascontiguousarray(part).tobytes())
        if a is not None:
            out.append(int(a * n + i) if forward else int(i * len(base) + a))
    return out


def fiber(left: np.ndarray, n: int, right: np.ndarray) -> np.ndarray:
    """All multi-indices (I_a, i, J_b), a-major then i then b: shape (r0 n r1, d)."""
    r0, k = left.shape
    r1, rest = right.shape
    idx = np.empty((r0, n, r1, k + 1 + rest), dtype=np.int64)
    idx[..., :k] = left[:, None, None, :]
    idx[..., k] = np.arange(n)[None, :, None]
    idx[..., k + 1:] = right[None, None, :, :]
    return idx.reshape(-1, k + 1 + rest)


def extend_left(left: np.ndarray, n: int, rows: np.ndarray) -> np.ndarray:
    """The multi-indices (left[a], i) of fiber rows a * n + i."""
    return np.column_stack([left[rows // n], rows % n]).astype(np.int64, copy=False)


def extend_right(n: int, right: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """The multi-indices (i, right[b]) of fiber columns i * len(right) + b."""
    r1 = len(right)
    return np.column_stack([rows // r1, right[rows % r1]]).astype(np.int64, copy=False)
