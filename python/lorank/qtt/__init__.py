# SPDX-License-Identifier: MIT
"""Quantized tensor trains: vectors of length base^L as L-dimensional trains, their exact
low-rank constructions, their approximation by cross, and QTT operators (shift, differences,
Laplacians) as TT-matrices, and free-space volume potentials by FFT with the
Vico-Greengard-Ferrando kernels."""

from __future__ import annotations

from lorank.qtt.fourier import convolve, fft, ifft
from lorank.qtt.operators import diag, difference, laplacian, laplacian_nd, shift
from lorank.qtt.potential import VolumePotential, newton_potential
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
from lorank.qtt.scattering import ScatteringResult, lippmann_schwinger
from lorank.qtt.toeplitz import circulant, toeplitz
from lorank.qtt.tucker_potential import Tucker, newton_potential_tucker

__all__ = ["circulant", "convolve", "cos", "dequantize", "diag", "difference", "exp", "fft", "from_function", "grid", "ifft", "laplacian",
           "laplacian_nd", "lippmann_schwinger", "newton_potential", "newton_potential_tucker", "polynomial", "quantize", "ramp", "shift", "sin", "step", "toeplitz", "ScatteringResult", "Tucker", "VolumePotential"]
