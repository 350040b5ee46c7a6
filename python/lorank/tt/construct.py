# SPDX-License-Identifier: MIT
"""Constructors of special TTs: random, zeros, ones, rank-1."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank._validation import bond_ranks, compute_dtype
from lorank.errors import ArgumentError, ShapeError
from lorank.tt.tensor import TT

__all__ = ["ones", "rank1", "random", "zeros"]


def _shape(shape: Any, who: str) -> tuple[int, ...]:
    if isinstance(shape, numbers.Integral):
        shape = (shape,)
    try:
        out = tuple(int(n) for n in shape)
    except TypeError as exc:
        msg = f"{who}: shape must be a sequence of ints, got {shape!r}"
        raise ShapeError(msg) from exc
    if not out or any(n <= 0 for n in out):
        msg = f"{who}: shape must be non-empty with positive mode sizes, got {out}"
        raise ShapeError(msg)
    return out


def random(
    shape: Any, rank: Any, *, rng: Any = None, dtype: Any = np.float64
) -> TT:
    """A TT with i.i.d. Gaussian cores, each scaled by 1/sqrt(r_{k-1} n_k) so the norm stays
    moderate for long trains. Complex dtypes get Gaussian real and imaginary parts.

    Parameters
    ----------
    shape : sequence of int
        Mode sizes.
    rank : int or sequence
        One rank for every bond, d-1 bond ranks, or d+1 ranks with 1 at both ends.
    rng : int, numpy.random.Generator or None
        Seed or generator.
    dtype : dtype
        float32, float64, complex64 or complex128.

    Examples
    --------
    >>> import lorank
    >>> lorank.tt.random((2, 3, 4), [2, 5], rng=1).ranks
    (1, 2, 5, 1)
    """
    shape = _shape(shape, "tt.random")
    ranks = [1, *bond_ranks(rank, len(shape) - 1, "tt.random", name="rank"), 1]
    dt = compute_dtype([dtype], "tt.random")
    if not isinstance(rng, (type(None), numbers.Integral, np.random.Generator)):
        msg = f"tt.random: rng must be None, an int or a Generator, got {type(rng).__name__}"
        raise ArgumentError(msg)
    gen = np.random.default_rng(rng)
    cores = []
    for k, n in enumerate(shape):
        size = (ranks[k], n, ranks[k + 1])
        c = gen.standard_normal(size)
        if dt.kind == "c":
            c = (c + 1j * gen.standard_normal(size)) / np.sqrt(2)
        cores.append((c / np.sqrt(ranks[k] * n)).astype(dt))
    return TT._trusted(cores)


def zeros(shape: Any, *, dtype: Any = np.float64) -> TT:
    """The zero tensor as a rank-1 TT."""
    shape = _shape(shape, "tt.zeros")
    dt = compute_dtype([dtype], "tt.zeros")
    return TT._trusted([np.zeros((1, n, 1), dt) for n in shape])


def ones(shape: Any, *, dtype: Any = np.float64) -> TT:
    """The all-ones tensor as a rank-1 TT."""
    shape = _shape(shape, "tt.ones")
    dt = compute_dtype([dtype], "tt.ones")
    return TT._trusted([np.ones((1, n, 1), dt) for n in shape])


def rank1(vectors: Sequence[Any]) -> TT:
    """The outer product ``v_1 o v_2 o ... o v_d`` as a rank-1 TT.

    Examples
    --------
    >>> import numpy as np, lorank
    >>> x = lorank.tt.rank1([np.arange(2.0), np.ones(3)])
    >>> x.full().tolist()
    [[0.0, 0.0, 0.0], [1.0, 1.0, 1.0]]
    """
    if isinstance(vectors, (str, bytes)) or not isinstance(vectors, Sequence) or not vectors:
        msg = "tt.rank1: vectors must be a non-empty sequence of 1-d arrays"
        raise ShapeError(msg)
    cores = []
    for k, v in enumerate(vectors):
        if getattr(v, "ndim", np.ndim(v)) != 1:
            msg = f"tt.rank1: vector {k} must be 1-d, got shape {np.shape(v)}"
            raise ShapeError(msg)
        cores.append(v.reshape(1, -1, 1) if hasattr(v, "reshape") else np.asarray(v).reshape(1, -1, 1))
    return TT(cores)
