# SPDX-License-Identifier: MIT
"""PyTorch-facing tools. torch is imported when a function here runs, not on import."""

from __future__ import annotations

from lorank.nn._conv_bounds import (
    clip_conv_singular_values,
    conv_gram_bound,
    conv_tn_bound,
    spectral_normalize_conv,
)
from lorank.nn._cross import differentiable_cross, tt_at
from lorank.nn._jacobian_norms import jacobian_norm_2inf, jacobian_norm_12
from lorank.nn._softmax_jacobian import softmax_jacobian_penalty, softmax_jacobian_spectral_norm

__all__ = [
    "SOAP",
    "DyKAF",
    "OrthoCoreConv2d",
    "Shampoo",
    "clip_conv_singular_values",
    "conv_gram_bound",
    "conv_tn_bound",
    "differentiable_cross",
    "jacobian_norm_12",
    "jacobian_norm_2inf",
    "softmax_jacobian_penalty",
    "softmax_jacobian_spectral_norm",
    "spectral_normalize_conv",
    "tt_at",
]


def __getattr__(name: str) -> object:
    """Torch modules load on first use, so that importing lorank.nn needs no torch."""
    if name == "OrthoCoreConv2d":
        from lorank.nn._ortho_conv import OrthoCoreConv2d

        return OrthoCoreConv2d
    if name in ("DyKAF", "SOAP", "Shampoo"):
        from lorank.nn import _optim

        return getattr(_optim, name)
    msg = f"module 'lorank.nn' has no attribute {name!r}"
    raise AttributeError(msg)
