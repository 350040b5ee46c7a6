# SPDX-License-Identifier: MIT
"""Kernel dispatch: compiled C++ kernels for NumPy data, the array twins for CuPy data."""

from __future__ import annotations

from types import ModuleType
from typing import Any

from lorank._device import is_cupy


def tt_kernels(*arrays: Any) -> ModuleType:
    """``lorank._core`` for host arrays, ``lorank._reference.tt`` (run by CuPy) for GPU arrays."""
    if arrays and is_cupy(arrays[0]):
        from lorank._reference import tt as ref

        return ref
    from lorank import _core

    return _core


def cuda_at(cores: list[Any], indices: Any) -> Any | None:
    """Entries of a float64 CuPy TT through the ``lorank._cuda`` kernel, or None where that
    kernel does not apply (no CUDA build, other dtype, a rank above 256)."""
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return None
    import cupy

    if cores[0].dtype != cupy.float64 or max(c.shape[2] for c in cores) > 256 \
            or max(c.shape[0] for c in cores) > 256:
        return None
    ptrs = cupy.asarray([c.data.ptr for c in cores], dtype=cupy.uint64)
    ranks = cupy.asarray([1] + [c.shape[2] for c in cores], dtype=cupy.int64)
    modes = cupy.asarray([c.shape[1] for c in cores], dtype=cupy.int64)
    out = cupy.empty(indices.shape[0], dtype=cupy.float64)
    stream = cupy.cuda.get_current_stream().ptr
    _cuda.tt_at_f64(ptrs, ranks, modes, len(cores), indices, indices.shape[0], out, stream)
    return out


def cuda_maxvol(a: Any, tol: float, maxiter: int) -> tuple[Any, Any, int] | None:
    """Square maxvol of a float64 CuPy matrix through the ``lorank._cuda`` kernel, as
    (rows, coef, swaps); None where that kernel does not apply (no CUDA build, another
    dtype, more than 1024 columns). Raises RankError as the compiled CPU kernel does."""
    try:
        from lorank import _cuda  # type: ignore[attr-defined]
    except ImportError:
        return None
    import cupy

    n, r = a.shape
    if a.dtype != cupy.float64 or r > 1024:
        return None
    rows = cupy.empty(r, dtype=cupy.int64)
    coef = cupy.empty((n, r), dtype=cupy.float64)
    work = cupy.empty(_cuda.maxvol_workspace_bytes(n, r), dtype=cupy.uint8)
    status = cupy.zeros(1, dtype=cupy.int64)
    stream = cupy.cuda.get_current_stream().ptr
    _cuda.maxvol_f64(a, n, r, float(tol), int(maxiter), rows, coef, work, status, stream)
    done = int(status.get()[0])
    if done < 0:
        from lorank.errors import RankError

        msg = (f"maxvol: the matrix must have full column rank; column {-1 - done} depends on "
               "the previous ones")
        raise RankError(msg)
    return rows, coef, done
