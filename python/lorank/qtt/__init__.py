# SPDX-License-Identifier: MIT
"""Quantized tensor trains: vectors of length base^L as L-dimensional trains, their exact
low-rank constructions, their approximation by cross, and QTT operators (shift, differences,
Laplacians) as TT-matrices."""

from __future__ import annotations

from lorank.qtt.operators import diag, difference, laplacian, laplacian_nd, shift
from lorank.qtt.quantize import (
    cos,
    dequantize,
    exp,
    from_function,
    grid,
    polynomial,
    quantize,
    ramp,
    sin,
    step,
)

__all__ = ["cos", "dequantize", "diag", "difference", "exp", "from_function", "grid", "laplacian",
           "laplacian_nd", "polynomial", "quantize", "ramp", "shift", "sin", "step"]
