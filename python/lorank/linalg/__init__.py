# SPDX-License-Identifier: MIT
"""Dense and matrix-free linear algebra: maximum-volume submatrices (the pivoting of cross
approximation)."""

from __future__ import annotations

from lorank.linalg.maxvol import maxvol, rect_maxvol

__all__ = ["maxvol", "rect_maxvol"]
