# SPDX-License-Identifier: MIT
"""PyTorch-facing tools. torch is imported when a function here runs, not on import."""

from __future__ import annotations

from lorank.nn._cross import differentiable_cross, tt_at

__all__ = ["differentiable_cross", "tt_at"]
