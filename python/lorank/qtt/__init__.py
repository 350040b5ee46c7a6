# SPDX-License-Identifier: MIT
"""Quantized tensor trains: arrays of length base^L per axis as trains of base x ... x base
tensors (sequential or interleaved digits), their exact low-rank constructions and cross
approximation; QTT operators as TT-matrices (shift, differences, Laplacians, Toeplitz and
circulant matrices); the superfast QTT Fourier transform and convolution; and free-space
volume potentials (Vico-Greengard-Ferrando kernels, dense FFT or Tucker format) with a
Lippmann-Schwinger solver."""

from __future__ import annotations

from lorank.qtt.fourier import convolve, fft, ifft
from lorank.qtt.operators import diag, difference, laplacian, laplacian_nd, shift
from lorank.qtt.potential import VolumePotential, newton_potential
from lorank.qtt.quantize import (
    cos,
    dequantize,
    digit_order,
    exp,
    from_function,
    grid,
    polynomial,
    quantize,
    ramp,
    sin,
    step,
)
from lorank.qtt.scattering import ScatteringResult, lippmann_schwinger
from lorank.qtt.toeplitz import circulant, toeplitz
from lorank.qtt.tucker_potential import Tucker, newton_potential_tucker

__all__ = [
    "ScatteringResult", "Tucker", "VolumePotential", "circulant", "convolve", "cos",
    "dequantize", "diag", "difference", "digit_order", "exp", "fft", "from_function", "grid",
    "ifft", "laplacian", "laplacian_nd", "lippmann_schwinger", "newton_potential",
    "newton_potential_tucker", "polynomial", "quantize", "ramp", "shift", "sin", "step",
    "toeplitz",
]
