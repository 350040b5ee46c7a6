# SPDX-License-Identifier: MIT
"""Argument validation shared by the public API; messages name function, argument and value."""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

from lorank._device import array_module
from lorank.errors import ArgumentError, DTypeError, NumericalError, RankError, ShapeError

SUPPORTED = (np.float32, np.float64, np.complex64, np.complex128)


def compute_dtype(dtypes: Sequence[Any], who: str) -> np.dtype:
    """Common dtype to compute in: integers and bools promote to float64, float16 to float32."""
    promoted = []
    for dt in dtypes:
        dt = np.dtype(dt)
        if dt.kind in "biu":
            dt = np.dtype(np.float64)
        elif dt == np.float16:
            dt = np.dtype(np.float32)
        elif dt.type not in SUPPORTED:
            msg = (
                f"{who}: unsupported dtype {dt}, expected a real or complex floating type "
                "(integers are promoted to float64)"
            )
            raise DTypeError(msg)
        promoted.append(dt)
    return np.result_type(*promoted)


def check_finite(a: Any, who: str, what: str) -> None:
    """Raise NumericalError if `a` holds NaN or Inf."""
    xp = array_module(a)
    if a.size and not bool(xp.isfinite(a).all()):
        msg = f"{who}: {what} contains NaN or Inf"
        raise NumericalError(msg)


def as_cores(cores: Any, ndim: int, who: str) -> list[Any]:
    """Validate a sequence of TT (ndim=3) or TT-matrix (ndim=4) cores.

    Returns C-contiguous arrays in one supported dtype on one device; raises ShapeError,
    RankError, DTypeError, NumericalError or DeviceMismatchError otherwise.
    """
    if isinstance(cores, (str, bytes)) or not isinstance(cores, Sequence):
        msg = f"{who}: cores must be a sequence of arrays, got {type(cores).__name__}"
        raise ShapeError(msg)
    if len(cores) == 0:
        msg = f"{who}: a TT needs at least one core, got 0"
        raise ShapeError(msg)
    arrays = [c if hasattr(c, "__array_namespace__") or hasattr(c, "dtype") else np.asarray(c)
              for c in cores]
    for c in arrays:
        if getattr(c, "dtype", None) is not None and np.dtype(c.dtype) == object:
            msg = f"{who}: unsupported dtype object, expected a real or complex floating type"
            raise DTypeError(msg)
    xp = array_module(*arrays, who=who)
    arrays = [xp.asarray(c) for c in arrays]
    dt = compute_dtype([c.dtype for c in arrays], who)
    out = []
    for k, c in enumerate(arrays):
        if c.ndim != ndim:
            msg = f"{who}: core {k} must be {ndim}-d, got shape {tuple(c.shape)}"
            raise ShapeError(msg)
        if any(s <= 0 for s in c.shape[1:-1]):
            msg = f"{who}: core {k} has an empty mode, shape {tuple(c.shape)}"
            raise ShapeError(msg)
        if c.shape[0] <= 0 or c.shape[-1] <= 0:
            msg = f"{who}: ranks must be positive, core {k} has shape {tuple(c.shape)}"
            raise RankError(msg)
        if k > 0 and c.shape[0] != out[-1].shape[-1]:
            msg = (
                f"{who}: ranks differ between cores {k - 1} and {k}: "
                f"{out[-1].shape[-1]} vs {c.shape[0]}"
            )
            raise RankError(msg)
        c = xp.ascontiguousarray(c, dtype=dt)
        check_finite(c, who, f"core {k}")
        out.append(c)
    if out[0].shape[0] != 1 or out[-1].shape[-1] != 1:
        msg = (
            f"{who}: boundary ranks must be 1, got {out[0].shape[0]} and {out[-1].shape[-1]}"
        )
        raise RankError(msg)
    return out


def check_rtol(rtol: Any, who: str) -> float:
    """rtol as a float in [0, 1)."""
    if isinstance(rtol, bool) or not isinstance(rtol, numbers.Real):
        msg = f"{who}: rtol must be a real number in [0, 1), got {rtol!r}"
        raise ArgumentError(msg)
    rtol = float(rtol)
    if not 0.0 <= rtol < 1.0:
        msg = f"{who}: rtol must be in [0, 1), got {rtol}"
        raise ArgumentError(msg)
    return rtol


def bond_ranks(value: Any, n_bonds: int, who: str, name: str = "max_rank") -> list[int]:
    """Per-bond ranks (length n_bonds) from an int (every bond), d-1 bond values, or a full
    rank vector ``(1, r_1, ..., 1)``; each >= 1. Raises RankError naming `name`."""
    if isinstance(value, numbers.Integral) and not isinstance(value, bool):
        ranks = [int(value)] * n_bonds
    elif isinstance(value, (Sequence, np.ndarray)) and not isinstance(value, (str, bytes)):
        if not all(isinstance(v, numbers.Integral) and not isinstance(v, bool) for v in value):
            msg = f"{who}: {name} entries must be ints, got {value!r}"
            raise RankError(msg)
        ranks = [int(v) for v in value]
        if len(ranks) == n_bonds + 2 and ranks[0] == ranks[-1] == 1:
            ranks = ranks[1:-1]  # full rank vector (1, r1, ..., 1) accepted too
        if len(ranks) != n_bonds:
            msg = f"{who}: {name} must have {n_bonds} entries (one per bond), got {len(ranks)}"
            raise RankError(msg)
    else:
        msg = f"{who}: {name} must be an int or a sequence of ints, got {value!r}"
        raise RankError(msg)
    if any(r < 1 for r in ranks):
        msg = f"{who}: {name} must be >= 1, got {value}"
        raise RankError(msg)
    return ranks


def max_rank_list(max_rank: Any, n_bonds: int, who: str) -> list[int]:
    """Per-bond caps from None (0 everywhere: no cap), an int, or a sequence."""
    if max_rank is None:
        return [0] * n_bonds
    return bond_ranks(max_rank, n_bonds, who)


def default_rtol(dtype: np.dtype) -> float:
    """Default rounding accuracy: 100 machine epsilons of the real type."""
    return float(100 * np.finfo(np.dtype(dtype)).eps)
