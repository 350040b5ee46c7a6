# SPDX-License-Identifier: MIT
"""QTT operators as TT-matrices (base 2, the digit order of :func:`quantize`): the shift, the
first difference and the discrete Laplacian in 1-D and d-D.

The shift (S x)_j = x_{j+1} is a binary increment: reading the digits from the least
significant, a carry either stops (digit 0 -> 1) or moves on (1 -> 0), and digits without a
carry are copied. With the carry as the bond state this is a rank-2 train (Kazeev and
Khoromskij, "Low-rank explicit QTT representation of the Laplace operator and its inverse",
SIAM J. Matrix Anal. Appl. 33(3), 2012): cores [[I, J], [0, J^T]] with J = E_01.
"""

from __future__ import annotations

import numbers

import numpy as np

from lorank.errors import ArgumentError
from lorank.tt.matrix import TTMatrix

__all__ = ["diag", "difference", "laplacian", "laplacian_nd", "shift"]

_I = np.eye(2)
_J = np.array([[0.0, 1.0], [0.0, 0.0]])  # row digit 0, column digit 1: the carry stops


def _levels(n_levels: object, who: str) -> int:
    if isinstance(n_levels, bool) or not isinstance(n_levels, numbers.Integral) or n_levels < 1:
        msg = f"{who}: n_levels must be an integer >= 1, got {n_levels!r}"
        raise ArgumentError(msg)
    return int(n_levels)


def _add(a: TTMatrix, b: TTMatrix, alpha: float = 1.0, beta: float = 1.0) -> TTMatrix:
    """alpha a + beta b, exact (ranks add), then rounded to 1e-14."""
    s = (a.as_tt() * alpha + b.as_tt() * beta).round(rtol=1e-14)
    return TTMatrix.from_cores([c.reshape(c.shape[0], m, n, c.shape[2])
                                for c, m, n in zip(s.cores, a.row_shape, a.col_shape)])


def shift(n_levels: int, *, periodic: bool = False) -> TTMatrix:
    """The shift (S x)_j = x_{j+1} on 2^L points (x_N = 0, or x_0 with ``periodic``):
    QTT rank 2."""
    levels = _levels(n_levels, "shift")
    if levels == 1:
        core = _J.copy()
        if periodic:
            core[1, 0] = 1.0
        return TTMatrix.from_cores([core.reshape(1, 2, 2, 1)])
    first = np.zeros((1, 2, 2, 2))
    first[0, :, :, 0], first[0, :, :, 1] = _I, _J  # no carry / carry stops at the top digit
    if periodic:
        first[0, :, :, 1] += _J.T  # a carry out of the top digit wraps around to 0
    middle = np.zeros((2, 2, 2, 2))
    middle[0, :, :, 0], middle[0, :, :, 1], middle[1, :, :, 1] = _I, _J, _J.T
    last = np.zeros((2, 2, 2, 1))
    last[0, :, :, 0], last[1, :, :, 0] = _J, _J.T  # the increment enters at the lowest digit
    return TTMatrix.from_cores([first] + [middle] * (levels - 2) + [last])


def difference(n_levels: int, *, h: float = 1.0, periodic: bool = False) -> TTMatrix:
    """Forward difference ((x_{j+1} - x_j) / h): QTT rank 2."""
    return _add(shift(n_levels, periodic=periodic), TTMatrix.identity([2] * _levels(n_levels, "difference")),
                1.0 / h, -1.0 / h)


def laplacian(n_levels: int, *, h: float = 1.0, periodic: bool = False) -> TTMatrix:
    """The discrete Laplacian (x_{j-1} - 2 x_j + x_{j+1}) / h^2 with Dirichlet (zero beyond
    the ends) or periodic boundary: QTT rank 3 (Kazeev-Khoromskij), assembled from the shift
    and its transpose and rounded."""
    levels = _levels(n_levels, "laplacian")
    s = shift(levels, periodic=periodic)
    both = _add(s, s.T)
    return _add(both, TTMatrix.identity([2] * levels), 1.0 / h**2, -2.0 / h**2)


def laplacian_nd(n_levels: int, d: int, *, h: float = 1.0, periodic: bool = False,
                 ordering: str = "sequential") -> TTMatrix:
    """sum_k I x .. x Laplacian x .. x I on (2^L)^d points: a rounded sum of Kronecker
    products with the axes one after another (``ordering='sequential'``, axis 0 most
    significant), or with the digits level by level (``'interleaved'``, as
    :func:`lorank.qtt.quantize`), reordered from the sequential train by swaps of
    neighbouring cores."""
    from lorank.qtt._permute import permute_modes
    from lorank.qtt.quantize import digit_order
    from lorank.tt.matrix import kron

    if isinstance(d, bool) or not isinstance(d, numbers.Integral) or d < 1:
        msg = f"laplacian_nd: d must be an integer >= 1, got {d!r}"
        raise ArgumentError(msg)
    levels = _levels(n_levels, "laplacian_nd")
    order = digit_order([levels] * d, ordering, who="laplacian_nd")
    lap, eye = laplacian(levels, h=h, periodic=periodic), TTMatrix.identity([2] * levels)
    total = None
    for axis in range(d):
        term = None
        for k in range(d):
            factor = lap if k == axis else eye
            term = factor if term is None else kron(term, factor)
        total = term if total is None else _add(total, term)
    if ordering == "sequential" or d == 1:
        return total
    flat = [c.reshape(c.shape[0], 4, c.shape[3]) for c in total.cores]
    moved = permute_modes(flat, [a * levels + lev for a, lev in order], 1e-14)
    return TTMatrix.from_cores([c.reshape(c.shape[0], 2, 2, c.shape[2]) for c in moved])


def diag(x: object) -> TTMatrix:
    """The multiplication operator diag(x) of a QTT (any TT): each core (r0, n, r1) becomes
    the diagonal matrix core (r0, n, n, r1), same ranks, so ``diag(f) @ g`` is the Hadamard
    product ``f * g``."""
    from lorank.tt.tensor import TT

    if not isinstance(x, TT):
        msg = f"diag: expected a TT, got {type(x).__name__}"
        raise TypeError(msg)
    cores = []
    for c in x.cores:
        r0, n, r1 = c.shape
        m = np.zeros((r0, n, n, r1), dtype=c.dtype)
        m[:, np.arange(n), np.arange(n), :] = c
        cores.append(m)
    return TTMatrix.from_cores(cores)
