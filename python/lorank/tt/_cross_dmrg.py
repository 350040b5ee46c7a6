# SPDX-License-Identifier: MIT
"""The two-site (DMRG) sweep of TT-cross: each bond's rank comes from the SVD of the
supercore f(I_k x [n_k] x [n_{k+1}] x J_{k+2}), so ranks adapt up and down in one sweep.
D. Savostyanov, I. Oseledets, "Fast adaptive interpolation of multi-dimensional arrays in
tensor train format", Proc. 7th Int. Workshop on Multidimensional Systems (nDS), 2011."""

from __future__ import annotations

import numpy as np

from lorank.tt._cross_sets import basis, choose, extend_left, extend_right, fiber, positions
from lorank.tt._oracle import Oracle


def supercore(oracle: Oracle, shape: tuple[int, ...], left: list[np.ndarray],
              right: list[np.ndarray], k: int) -> np.ndarray:
    """Values on I_k x [n_k] x [n_{k+1}] x J_{k+2}, as an (r_k n_k) x (n_{k+1} r_{k+2}) matrix."""
    n1, n2 = shape[k], shape[k + 1]
    pairs = extend_right(n2, right[k + 2], np.arange(n2 * len(right[k + 2])))
    return oracle(fiber(left[k], n1, pairs)).reshape(len(left[k]) * n1, -1)


def dmrg_sweep(oracle: Oracle, shape: tuple[int, ...], left: list[np.ndarray],
               right: list[np.ndarray], forward: bool, local: float, max_rank: int,
               gen: np.random.Generator) -> list[np.ndarray]:
    """One two-site sweep; updates the index sets in place and returns the cores it built.
    Costs r_k n_k n_{k+1} r_{k+2} evaluations per bond (fewer where cached)."""
    d = len(shape)
    cores: list[np.ndarray] = [None] * d  # type: ignore[list-item]
    bonds = range(d - 1) if forward else range(d - 2, -1, -1)
    for k in bonds:
        phi = supercore(oracle, shape, left, right, k)
        n1, n2 = shape[k], shape[k + 1]
        if forward:
            q = basis(phi, local, gen)
            rows, coef = choose(q, max_rank, positions(left[k], n1, left[k + 1], True))
            cores[k] = coef.reshape(len(left[k]), n1, len(rows))
            left[k + 1] = extend_left(left[k], n1, rows)
            if k == d - 2:
                cores[k + 1] = phi[rows].reshape(len(rows), n2, 1)
        else:
            q = basis(phi.T, local, gen)
            cols, coef = choose(q, max_rank, positions(right[k + 2], n2, right[k + 1], False))
            cores[k + 1] = coef.T.reshape(len(cols), n2, len(right[k + 2]))
            right[k + 1] = extend_right(n2, right[k + 2], cols)
            if k == 0:
                cores[0] = phi[:, cols].reshape(1, n1, len(cols))
    return cores
