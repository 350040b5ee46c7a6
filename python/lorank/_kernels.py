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
