# SPDX-License-Identifier: MIT
"""PyTorch-facing tools. torch is imported when a function here runs, not on import."""

from __future__ import annotations

from lorank.nn._conv_bounds import clip_conv_singular_values, conv_gram_bound, conv_tn_bound
from lorank.nn._cross import differentiable_cross, tt_at
from lorank.nn._jacobian_norms import jacobian_norm_2inf, jacobian_norm_12

__all__ = [
    "clip_conv_singular_values",
    "conv_gram_bound",
    "conv_tn_bound",
    "differentiable_cross",
    "jacobian_norm_12",
    "jacobian_norm_2inf",
    "tt_at",
]
