# SPDX-License-Identifier: MIT
"""Dense and matrix-free linear algebra: maximum-volume submatrices (the pivoting of cross
approximation) and matrix cross approximation."""

from __future__ import annotations

from lorank.linalg.maxvol import maxvol, rect_maxvol
from lorank.linalg.skeleton import Skeleton, skeleton

__all__ = ["Skeleton", "maxvol", "rect_maxvol", "skeleton"]
