# SPDX-License-Identifier: MIT
"""The superfast Fourier transform of a QTT vector and QTT convolution (Dolgov, Khoromskij,
Savostyanov, "Superfast Fourier transform using QTT approximation", J. Fourier Anal. Appl.
18(5), 2012).

With j = sum_t j_t 2^(L-1-t) (core t holds digit j_t, most significant first) and
m = sum_s m_s 2^s, the DFT kernel factors as

    exp(-2 pi i j m / 2^L) = prod_t (-1)^(j_t m_t) prod_{s<t} exp(-pi i j_t m_s 2^(s-t)),

since terms with s > t are whole turns. Stage t sums out j_t and puts m_t in its place: a
2 x 2 butterfly on core t and, for s < t, the twiddles exp(-pi i j_t m_s 2^(s-t)), which
depend on j_t only through a two-valued state carried along the bonds 0..t. Stage t is a
TT-matrix of rank 2 on those bonds; after it the train is rounded. After the L stages core s
holds m_s, least significant first: the bit reversal of the radix-2 FFT is the reversal of
the train, which costs nothing in TT. Cost O(L^2 r^3) for ranks r, against O(L 2^L) densely.

The rounding error of the L stages adds up (each stage is sqrt(2) times unitary), so each
stage is rounded to rtol / L and the result is within rtol of the exact transform (relative
to its norm; more where ``max_rank`` cuts).
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank import _core as kernels
from lorank._validation import check_rtol, max_rank_list
from lorank.errors import ArgumentError, ShapeError
from lorank.qtt._permute import permute_modes
from lorank.qtt.quantize import check_binary_qtt, digit_order
from lorank.tt.tensor import TT

__all__ = ["convolve", "fft", "ifft"]


def _digit_positions(levels: Sequence[int], ordering: str) -> list[list[int]]:
    """Positions of each axis's digits, most significant first."""
    order = digit_order(levels, ordering)
    return [[p for p, (a, _) in enumerate(order) if a == ax] for ax in range(len(levels))]


def _check(x: Any, levels: Any, ordering: str, who: str) -> list[int]:
    check_binary_qtt(x, who)
    lv = [x.ndim] if levels is None else list(levels)
    if not lv or any(isinstance(v, bool) or not isinstance(v, numbers.Integral) or v < 1
                     for v in lv) or sum(lv) != x.ndim:
        msg = f"{who}: levels must be positive integers summing to {x.ndim}, got {levels!r}"
        raise ShapeError(msg)
    lv = [int(v) for v in lv]
    digit_order(lv, ordering, who=who)  # the ordering's own checks
    return lv


def fft(x: TT, *, rtol: float = 1e-12, max_rank: Any = None, inverse: bool = False,
        levels: Sequence[int] | None = None, ordering: str = "sequential") -> TT:
    """The discrete Fourier transform of a base-2 QTT, as numpy.fft.fft / numpy.fft.fftn
    (unnormalized forward, 1/N inverse), by the superfast QTT FFT (see module).

    ``levels``: the number of cores of each axis of a d-dimensional grid (default: one
    axis), ``ordering``: 'sequential' (axis 0's cores first) or 'interleaved' (level by
    level), as in :func:`lorank.qtt.quantize`; the result has the same layout. ``rtol``
    bounds the relative error of the result; ``max_rank`` caps the ranks after every stage.

    Cost O(L^2 r^3) for L = total levels and ranks r. In d dimensions the stages leave the
    axes in reverse order (the train is read backwards to undo the bit reversal), and they
    are put back by swaps of neighbouring cores (:mod:`lorank.qtt._permute`): level by
    level for 'interleaved', whole blocks (L_i L_j swaps) for 'sequential'; half of rtol
    goes to them. :func:`convolve` skips that step (the inverse transform undoes it).
    """
    who = "qtt.ifft" if inverse else "qtt.fft"
    lv = _check(x, levels, ordering, who)
    rtol = check_rtol(rtol, who)
    if len(lv) == 1:
        return _transform(x, lv, ordering, inverse, rtol, max_rank, who)
    raw = _transform(x, lv, ordering, inverse, rtol / 2, max_rank, who)
    return TT._trusted(permute_modes(raw.cores, _natural_order(lv, ordering), rtol / 2))


def _transform(x: TT, lv: list[int], ordering: str, inverse: bool, rtol: float, max_rank: Any,
               who: str) -> TT:
    """The transform with the axes in reverse order (the layout of levels lv[::-1])."""
    sign = 1.0 if inverse else -1.0
    caps = max_rank_list(max_rank, x.ndim - 1, who)
    cores = [np.asarray(c, dtype=np.complex128) for c in x.to("cpu").cores]
    # SVD rounding: the per-stage tolerance (rtol / L) is far below what the Gram shortcut
    # of 'orth-gram' can serve, so it would fall back to SVDs after paying for the Gram step.
    cores = kernels.qtt_fft(cores, _digit_positions(lv, ordering), sign, rtol / x.ndim, caps,
                            "svd")
    if inverse:
        cores[0] = cores[0] / float(2 ** x.ndim)
    return TT._trusted(cores)


def _natural_order(lv: list[int], ordering: str) -> list[int]:
    """For each position of the natural layout, the position in the raw transform that holds
    its digit: input position p of (axis a, level l) ends, after the stages and the reversal,
    at L - 1 - p holding output level L_a - 1 - l."""
    order = digit_order(lv, ordering)
    where = {digit: p for p, digit in enumerate(order)}
    total = len(order)
    return [total - 1 - where[(a, lv[a] - 1 - lev)] for a, lev in order]


def ifft(x: TT, *, rtol: float = 1e-12, max_rank: Any = None,
         levels: Sequence[int] | None = None, ordering: str = "sequential") -> TT:
    """The inverse transform, ``fft(x, inverse=True)``."""
    return fft(x, rtol=rtol, max_rank=max_rank, inverse=True, levels=levels, ordering=ordering)


def _pad_levels(x: TT, levels: list[int], ordering: str) -> TT:
    """The train of the array zero-padded to twice its length on every axis: one new most
    significant digit per axis whose value 1 selects zeros (a core I_r x (1, 0) that passes
    the bond rank r through)."""
    def selector(r: int) -> np.ndarray:
        core = np.zeros((r, 2, r), dtype=x.dtype)
        core[:, 0, :] = np.eye(r)
        return core

    cores = list(x.cores)
    if ordering == "interleaved":
        return TT._trusted([selector(1) for _ in levels] + cores)
    out, start = [], 0
    for n in levels:
        out.append(selector(cores[start].shape[0]))
        out.extend(cores[start:start + n])
        start += n
    return TT._trusted(out)


def convolve(x: TT, y: TT, *, mode: str = "circular", rtol: float = 1e-12,
             max_rank: Any = None, levels: Sequence[int] | None = None,
             ordering: str = "sequential") -> TT:
    """The convolution of two base-2 QTT arrays on the same grid by QTT FFTs:
    ``ifft(fft(x) * fft(y))`` with every step rounded to rtol / 4.

    ``mode='circular'``: the periodic convolution, same grid. ``mode='linear'``: the full
    linear convolution (length 2N - 1 per axis), returned on the grid of 2N points per axis
    (one more level per axis, last entry zero), from the operands zero-padded to 2N.
    ``levels`` / ``ordering`` describe d-dimensional grids as in :func:`fft`. Real operands
    give a real train. Cost O(L^2 r^3) for the transforms plus O(L r^6) for rounding the
    product of the transforms (rank r^2).

    For the integral convolution of functions sampled at step h, multiply by h^d.
    """
    lv = _check(x, levels, ordering, "qtt.convolve")
    if _check(y, levels, ordering, "qtt.convolve") and x.shape != y.shape:
        msg = f"qtt.convolve: the operands' grids differ: shapes {x.shape} and {y.shape}"
        raise ShapeError(msg)
    if mode not in ("circular", "linear"):
        msg = f"qtt.convolve: mode must be 'circular' or 'linear', got {mode!r}"
        raise ArgumentError(msg)
    step = check_rtol(rtol, "qtt.convolve") / 4
    if mode == "linear":
        x, y = _pad_levels(x, lv, ordering), _pad_levels(y, lv, ordering)
        lv = [n + 1 for n in lv]
    fx = _transform(x, lv, ordering, False, step, max_rank, "qtt.convolve")
    fy = _transform(y, lv, ordering, False, step, max_rank, "qtt.convolve")
    prod = (fx * fy).round(rtol=step, max_rank=max_rank)
    out = _transform(prod, lv[::-1], ordering, True, step, max_rank, "qtt.convolve")
    if all(np.isrealobj(c) for c in x.cores) and all(np.isrealobj(c) for c in y.cores):
        out = _real_part(out).round(rtol=step, max_rank=max_rank)
    return out


def _real_part(x: TT) -> TT:
    """Re x with real cores of twice the rank: each complex core entry c becomes the 2 x 2
    block [[Re c, -Im c], [Im c, Re c]] (a ring homomorphism, so the product of blocks is
    the block of the product), the first core keeps the real row and the last the real
    column."""
    cores = []
    for c in x.cores:
        r0, n, r1 = c.shape
        block = np.empty((r0, 2, n, r1, 2))
        block[:, 0, :, :, 0], block[:, 0, :, :, 1] = c.real, -c.imag
        block[:, 1, :, :, 0], block[:, 1, :, :, 1] = c.imag, c.real
        cores.append(block.reshape(2 * r0, n, 2 * r1))
    cores[0] = cores[0][:1]
    cores[-1] = cores[-1][:, :, :1]
    return TT._trusted(cores)
