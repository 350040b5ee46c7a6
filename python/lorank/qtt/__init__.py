# SPDX-License-Identifier: MIT
"""Quantized tensor trains: vectors of length base^L as L-dimensional trains, their exact
low-rank constructions and their approximation by cross."""

from __future__ import annotations

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

__all__ = ["cos", "dequantize", "exp", "from_function", "grid", "polynomial", "quantize",
           "ramp", "sin", "step"]
