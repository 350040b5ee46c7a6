# SPDX-License-Identifier: MIT
"""Spectral norms and singular values of neural-network layers: exact singular values of
circularly padded convolutions by the DFT, and convolution norms for zero padding by
Lanczos on the convolution operator; certified resolution-independent bounds; the spectral
norm of the softmax Jacobian."""

from __future__ import annotations

from lorank.spectral.attention import softmax_jacobian_norm
from lorank.spectral.conv import conv_norm, conv_norm_bound, conv_singular_values

__all__ = ["conv_norm", "conv_norm_bound", "conv_singular_values", "softmax_jacobian_norm"]
