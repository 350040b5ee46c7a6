# SPDX-License-Identifier: MIT
"""Reordering the modes of a train by swaps of neighbouring cores.

A swap merges cores k and k + 1 into (r0, n1, n2, r2), exchanges the two modes and splits
the result again by a truncated SVD of its (r0 n2) x (n1 r2) unfolding. With the train in
mixed canonical form (cores left of the pair left-orthonormal, right of it right-orthonormal)
that truncation is the best one for the whole train; moving a core leftwards puts the
singular values into the left factor, so the orthogonality centre walks along with it and no
extra sweep is needed between swaps. Each swap may double the rank between the two cores
(at most min(r0 n2, n1 r2)) before truncation.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

__all__ = ["permute_modes"]


def _right_orthonormal(cores: list[np.ndarray]) -> None:
    """Make cores 1.. right-orthonormal in place (centre at 0)."""
    for k in range(len(cores) - 1, 0, -1):
        r0, n, r1 = cores[k].shape
        q, r = np.linalg.qr(cores[k].reshape(r0, n * r1).T)
        cores[k] = q.T.reshape(-1, n, r1)
        cores[k - 1] = np.einsum("aib,cb->aic", cores[k - 1], r)


def _move_centre(cores: list[np.ndarray], centre: int, target: int) -> None:
    """Move the orthogonality centre rightwards from ``centre`` to ``target`` by QR."""
    for k in range(centre, target):
        r0, n, r1 = cores[k].shape
        q, r = np.linalg.qr(cores[k].reshape(r0 * n, r1))
        cores[k] = q.reshape(r0, n, -1)
        cores[k + 1] = np.einsum("ab,bic->aic", r, cores[k + 1])


def _swap_left(cores: list[np.ndarray], k: int, delta: float) -> float:
    """Swap cores k and k + 1 (the centre is in one of them); the centre ends at k.
    Drops singular values whose tail has norm <= delta; returns the norm dropped."""
    a, b = cores[k], cores[k + 1]
    r0, n1, _ = a.shape
    _, n2, r2 = b.shape
    pair = np.einsum("aib,bjc->ajic", a, b).reshape(r0 * n2, n1 * r2)
    u, s, vh = np.linalg.svd(pair, full_matrices=False)
    tail = np.sqrt(np.cumsum((s**2)[::-1]))[::-1]  # tail[j] = norm of s[j:]
    keep = max(1, int(np.sum(tail > delta)))
    dropped = float(tail[keep]) if keep < s.size else 0.0
    cores[k] = (u[:, :keep] * s[:keep]).reshape(r0, n2, keep)
    cores[k + 1] = vh[:keep].reshape(keep, n1, r2)
    return dropped


def permute_modes(cores: Sequence[np.ndarray], order: Sequence[int], rtol: float) -> list[np.ndarray]:
    """The train whose mode t is mode ``order[t]`` of the input, to relative accuracy rtol:
    half of it for the swaps (rtol ||x|| / (2 * number of swaps) each), half for a final
    rounding of all bonds (a swap only truncates the bond between its pair, and the
    intermediate orders can need larger ranks than the final one)."""
    out = [np.asarray(c) for c in cores]
    current = list(range(len(out)))  # current[p] = input mode held at position p
    swaps = sum(1 for i in range(len(order)) for j in range(i) if order[j] > order[i])
    if swaps == 0:
        return out
    _right_orthonormal(out)
    norm = float(np.linalg.norm(out[0]))
    delta = 0.5 * rtol * norm / swaps
    centre = 0
    for target, mode in enumerate(order):
        pos = current.index(mode)
        if pos == target:
            continue
        _move_centre(out, centre, pos)
        for k in range(pos - 1, target - 1, -1):
            _swap_left(out, k, delta)
            current[k], current[k + 1] = current[k + 1], current[k]
        centre = target
    from lorank.tt.tensor import TT

    return list(TT._trusted(out).round(rtol=0.5 * rtol).cores)
