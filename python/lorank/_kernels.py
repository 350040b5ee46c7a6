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
