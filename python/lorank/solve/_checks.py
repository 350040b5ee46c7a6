# SPDX-License-Identifier: MIT
"""Argument checks shared by the TT solvers (counts and tolerances are the Krylov
solvers' ``check_count`` and ``check_tol``, re-exported here)."""

from __future__ import annotations

import math
import warnings
from typing import Any

import numpy as np

from lorank.errors import ArgumentError, DeviceMismatchError, NumericalError, ShapeError
from lorank.linalg._krylov_basis import check_count, check_tol  # noqa: F401 (re-exported)
from lorank.tt.matrix import TTMatrix
from lorank.tt.tensor import TT


def square_operator(A: Any, who: str) -> tuple[int, ...]:
    """The mode sizes of a square TT-matrix on the CPU with finite cores."""
    if not isinstance(A, TTMatrix):
        msg = f"{who}: A must be a TTMatrix, got {type(A).__name__}"
        raise TypeError(msg)
    if A.row_shape != A.col_shape:
        msg = f"{who}: A must have equal row and column modes, got {A.row_shape} and {A.col_shape}"
        raise ShapeError(msg)
    if A.device != "cpu":
        msg = f"{who}: the TT solvers run on the CPU; A lives on {A.device} (use A.to('cpu'))"
        raise DeviceMismatchError(msg)
    if not all(np.all(np.isfinite(c)) for c in A.cores):
        msg = f"{who}: A has NaN or Inf entries"
        raise NumericalError(msg)
    return A.row_shape


def check_hermitian(A: TTMatrix, who: str, rtol: float = 1e-10) -> None:
    """``||A - A^H||_F <= rtol ||A||_F``, in the TT format (ranks 2R, cost of one TT norm)."""
    adjoint = TTMatrix._trusted([np.ascontiguousarray(c.conj().transpose(0, 2, 1, 3)) for c in A.cores])
    gap = (A.as_tt() - adjoint.as_tt()).norm(accurate=True)
    size = A.as_tt().norm(accurate=True)
    if gap > rtol * size:
        msg = (f"{who}: A must be Hermitian; ||A - A^H||_F / ||A||_F = {gap / size:.2e} "
               f"exceeds {rtol:.0e}")
        raise ArgumentError(msg)


def check_states(k: Any, shape: tuple[int, ...], who: str) -> int:
    """k as a number of states: a positive integer at most the dimension of the space."""
    k = check_count(k, "k", who, 1)
    if k > math.prod(shape):
        msg = f"{who}: k = {k} exceeds the dimension {math.prod(shape)} of the space"
        raise ArgumentError(msg)
    return k


def check_max_rank(max_rank: Any, who: str) -> int:
    return check_count(max_rank, "max_rank", who, 1)


def record_step(history: list, record: Any, bar: Any, callback: Any, **postfix: Any) -> bool:
    """Append a solver's record to its history, advance its progress bar (showing postfix)
    and call the user's callback; True when the callback asks to stop."""
    history.append(record)
    if bar is not None:
        bar.update(1)
        bar.set_postfix(**postfix)
    return callback is not None and callback(record) is True


def progress_bar(progress: bool, total: int, who: str) -> Any:
    if not progress:
        return None
    try:
        from tqdm.auto import tqdm
    except ImportError:
        warnings.warn(f"{who}: progress=True needs tqdm (pip install lorank[progress])", stacklevel=4)
        return None
    return tqdm(total=total, desc=who, unit="sweep")


def start_trains(x0: Any, shape: tuple[int, ...], who: str) -> list[TT]:
    """x0 (a TT or a non-empty list or tuple of them, of the operator's shape, none zero)
    as a list of unit trains."""
    starts = [x0] if isinstance(x0, TT) else list(x0) if isinstance(x0, (list, tuple)) else None
    if not starts or not all(isinstance(t, TT) and t.shape == shape for t in starts):
        msg = f"{who}: x0 must be a TT of shape {shape} or a non-empty list of them"
        raise ShapeError(msg) if starts and all(isinstance(t, TT) for t in starts) else TypeError(msg)
    norms = [t.norm() for t in starts]
    if any(n == 0 for n in norms):
        msg = f"{who}: x0 is zero"
        raise ArgumentError(msg)
    return [t / n for t, n in zip(starts, norms)]
