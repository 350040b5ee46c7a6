# SPDX-License-Identifier: MIT
"""Device handling: the device follows the data (NumPy on the CPU, CuPy on the GPU)."""

from __future__ import annotations

import sys
from typing import Any

import numpy as np

from lorank.errors import DeviceMismatchError, NotBuiltError

__all__ = ["array_module", "device_of", "is_cupy", "to_device"]


def is_cupy(a: Any) -> bool:
    """True for a CuPy array (checked without importing CuPy)."""
    mod = type(a).__module__
    return mod.startswith("cupy") and "cupy" in sys.modules


def device_of(a: Any) -> str:
    """``'cuda'`` for CuPy arrays, ``'cpu'`` otherwise."""
    return "cuda" if is_cupy(a) else "cpu"


def array_module(*arrays: Any, who: str = "lorank") -> Any:
    """NumPy or CuPy, whichever holds all `arrays`; raises DeviceMismatchError if mixed."""
    devices = {device_of(a) for a in arrays}
    if len(devices) > 1:
        msg = f"{who}: operands are on different devices: {sorted(devices)}"
        raise DeviceMismatchError(msg)
    if devices == {"cuda"}:
        import cupy

        return cupy
    return np


def to_device(a: Any, device: str) -> Any:
    """Copy `a` to ``'cpu'`` (NumPy) or ``'cuda'`` (CuPy)."""
    if device == "cpu":
        return a.get() if is_cupy(a) else np.asarray(a)
    if device == "cuda":
        try:
            import cupy
        except ImportError as exc:
            msg = "to: device='cuda' needs CuPy (pip install 'lorank[cuda]')"
            raise NotBuiltError(msg) from exc
        return cupy.asarray(a)
    from lorank.errors import ArgumentError

    msg = f"to: device must be 'cpu' or 'cuda', got {device!r}"
    raise ArgumentError(msg)
