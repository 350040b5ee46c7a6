# SPDX-License-Identifier: MIT
"""TT residual norms of a block of eigenvector estimates that share all cores but one."""

from __future__ import annotations

from typing import Any

import numpy as np


def block_residual_norms(op: list[np.ndarray], cores: list[np.ndarray], center: int, values: Any) -> np.ndarray:
    """``||A x_j - values[j] x_j||`` for the k trains that share every core but the center,
    whose core ``(r, n, r', k)`` holds their k coefficients (a block train), at about the cost
    of one train's residual instead of k.

    Every residual is the train ``[A x_j, x_j]`` of bond ``(R + 1) r`` (operator rank R)
    with the coefficients ``(1, -values[j])``; away from the center its cores are the same
    for all j. One QR sweep from each end reduces the shared cores to triangular factors
    ``L`` and ``F``, and ``||A x_j - values[j] x_j|| = ||L C_j F||_F`` with ``C_j`` the
    residual's center core: QR factors, no Gram matrix, so the result keeps the accuracy of
    ``TT.norm(accurate=True)`` on each residual (errors near eps ||A x_j||).

    Complexity: O(d n ((R + 1) r)^3) for the sweeps, plus O(k n ((R + 1) r)^3) for the
    centers, against O(k d n ((R + 1) r)^3) for k separate residuals.
    """
    d = len(cores)
    left = np.ones((1, 1))
    for i in range(center):
        t = np.tensordot(left, _joined(op[i], cores[i], i, d), axes=(1, 0))
        left = np.linalg.qr(t.reshape(-1, t.shape[2]), mode="r")  # (min(s n, rho), rho)
    right = np.ones((1, 1))
    for i in range(d - 1, center, -1):
        t = np.tensordot(_joined(op[i], cores[i], i, d), right, axes=(2, 0))
        right = np.linalg.qr(t.reshape(t.shape[0], -1).T, mode="r").T
    out = []
    for j, value in enumerate(np.atleast_1d(values)):
        c = _joined(op[center], cores[center][..., j], center, d, -value)
        reduced = np.tensordot(np.tensordot(left, c, axes=(1, 0)), right, axes=(2, 0))
        out.append(float(np.linalg.norm(reduced)))
    return np.array(out)


def _joined(a: np.ndarray, x: np.ndarray, i: int, d: int, weight: Any = 1.0) -> np.ndarray:
    """Core i of the train ``A x + weight x``: ``[[A x, 0], [0, weight x]]``, a row at the
    first core and a column at the last (the cores of a TT sum)."""
    r0, n, r1 = x.shape
    ax = np.einsum("zmny,anb->zamyb", a, x).reshape(a.shape[0] * r0, n, a.shape[3] * r1)
    wx = weight * x
    if d == 1:
        return ax + wx
    if i == 0:
        return np.concatenate([ax, wx], axis=2)
    if i == d - 1:
        return np.concatenate([ax, wx], axis=0)
    out = np.zeros((ax.shape[0] + r0, n, ax.shape[2] + r1), dtype=np.result_type(ax, wx))
    out[:ax.shape[0], :, :ax.shape[2]] = ax
    out[ax.shape[0]:, :, ax.shape[2]:] = wx
    return out
